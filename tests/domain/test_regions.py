import pytest

from pipeline.domain.regions import KABUPATEN, KOTA, Region, RegionError, RegionIndex, parse_region


@pytest.mark.parametrize("name, region", [
    ("Kab. Malang", Region(KABUPATEN, "malang")),
    ("Kab Malang", Region(KABUPATEN, "malang")),
    ("KAB.MALANG", Region(KABUPATEN, "malang")),
    ("Kabupaten  Malang", Region(KABUPATEN, "malang")),
    ("Kota Malang", Region(KOTA, "malang")),
    ("KOTAMADYA MALANG", Region(KOTA, "malang")),
    ("Kodya Malang", Region(KOTA, "malang")),
    ("Malang", Region(None, "malang")),
    ("Kabupaten Kotabaru", Region(KABUPATEN, "kotabaru")),  # "Kota" inside a name is not a prefix
    ("Kotabaru", Region(None, "kotabaru")),
    ("Kab. Tana Toraja", Region(KABUPATEN, "tana toraja")),
])
def test_parse_region(name, region):
    assert parse_region(name) == region


def test_kota_and_kabupaten_of_one_name_are_two_regions():
    index = RegionIndex(["Kabupaten Malang", "Kota Malang", "Kabupaten Kupang", "Kota Kupang", "Kabupaten Sidoarjo",
                         "Kab. Sidoarjo"])
    assert index.names == ["Kabupaten Malang", "Kota Malang", "Kabupaten Kupang", "Kota Kupang", "Kabupaten Sidoarjo"]
    assert index.resolve("Kab. Malang") == "Kabupaten Malang"
    assert index.resolve("KAB MALANG") == "Kabupaten Malang"
    assert index.resolve("kota malang") == "Kota Malang"
    assert index.resolve("Kotamadya Kupang") == "Kota Kupang"
    assert index.resolve("Sidoarjo") == "Kabupaten Sidoarjo"  # one region of that name
    with pytest.raises(RegionError) as err:
        index.resolve("Malang")
    assert err.value.candidates == ["Kabupaten Malang", "Kota Malang"]
    with pytest.raises(RegionError) as err:
        index.resolve("Kota Sidoarjo")  # there is no Kota Sidoarjo
    assert err.value.candidates == []
    with pytest.raises(RegionError):
        index.resolve("Kabupaten Bima")


def test_a_referensi_name_without_prefix_takes_either_prefix():
    index = RegionIndex(["Badung", "Denpasar"])
    assert index.resolve("Kab. Badung") == "Badung"
    assert index.resolve("Kota Denpasar") == "Denpasar"
