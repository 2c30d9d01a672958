"""sigaudit stage: validation."""

# Raise this when a change to the validation code can change an outcome (verdict or reason) for the
# same bytes, trust anchors and policy: it is part of the verdict fingerprint, so results stored by an
# earlier revision are validated again instead of being reused.
# 2: the token-reading speed-ups use fewer stack frames, so a file nested deeper than Python's
#    recursion limit may be refused with a different reason ("maximum recursion depth exceeded").
# 3: a signature made outside its trust anchor's validity period is INDETERMINATE /
#    CHAIN_CONSTRAINTS_FAILURE under policies that leave anchor_validity out (default "enforce").
# 4: issue 17 — one chained change analysis per document with new rules (choice /I, radio kids, markup
#    annotations with their appearance resources, Stamp and incoming stamps, a visible signature after
#    DocMDP P=2), the visual check, broken later revisions and objects after the last %%EOF invalid,
#    hybrid-reference files parsed leniently, several SignerInfos judged one by one; results carry the
#    change categories, the deciding permission and the visual check.
# 5: a signer that chains to no configured root reads "not trusted: …"; a self-signed signer that is not
#    a root is INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND (pyHanko says CHAIN_CONSTRAINTS_FAILURE).
ENGINE_REVISION = 5
