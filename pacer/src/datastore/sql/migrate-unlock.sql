-- migrate-unlock: release the `pacer_migrate` lock taken by migrate-lock.
-- params: none
-- result: one row
SELECT RELEASE_LOCK('pacer_migrate')
