"""The values certificate's contracts (schemas.py) and its rules (domain.py)
share: importable without the rules, so the gateway may use the schemas."""

REVOCATION_REASONS = {
    "falsified_material": "R4",       # 弄虚作假, found after issue
    "result_annulled": "C1",          # the result it rests on was withdrawn
    "issued_in_error": "C1",
    "other": None,
}

# 有效身份证件: documents that carry the 18-character citizen ID number
ID_DOCUMENTS = ("resident_id_card_2g", "temporary_resident_id_card",
                "foreigner_permanent_residence_card")
