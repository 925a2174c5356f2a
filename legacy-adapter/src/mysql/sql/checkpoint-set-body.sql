-- Statement fragment: checkpoint new body. Placeholders: 1 body (the thrift string's UTF-8 bytes).
, body = ?
