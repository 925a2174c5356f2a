-- Statement fragment: checkpoint with moveToPending clears the claim. Placeholders: none.
, claim_descriptor = NULL
