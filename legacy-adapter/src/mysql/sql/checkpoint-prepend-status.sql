-- Statement fragment: checkpoint custom status. PREPENDS (despite PinLater's constant name) and
--   keeps the first 5000 characters. Placeholders: 1 text to prepend.
, custom_status = SUBSTRING(CONCAT(?, custom_status), 1, 5000)
