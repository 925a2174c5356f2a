-- migrate-lock: MySQL's named lock `pacer_migrate`, so concurrent migrators serialize (held by the
-- connection until migrate-unlock or its end).
-- params: none
-- result: one row {ok}: 1 = taken, 0 = another migrator held it for 60 s, NULL = error
SELECT GET_LOCK('pacer_migrate', 60) AS ok
