"""kernel.privacy: the public ID mask leaves no birth date to brute-force."""
from kernel import privacy
from kernel.testing import sample_id_number


def test_public_id_mask_keeps_first_3_and_last_2_and_no_birth_date():
    number = sample_id_number("19950315", 7)
    masked = privacy.mask_id(number)
    assert masked == number[:3] + "*" * 13 + number[-2:]
    assert "19950315" not in masked and number[3:6] not in masked[3:6]
    assert privacy.mask_id("11010519491231002X") == "110*************2X"


def test_short_or_missing_numbers_are_all_masked():
    assert privacy.mask_id("") == "" and privacy.mask_id(None) == ""
    assert privacy.mask_id("12345") == "*****"
