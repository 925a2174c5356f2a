-- queue-list: every registered queue name.
-- params: none
-- result: rows [{name}]
SELECT name FROM {{queues}} ORDER BY name
