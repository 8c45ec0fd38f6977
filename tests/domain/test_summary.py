from pipeline.domain.summary import mean_capaian


def test_mean_of_known_capaian_only():
    assert mean_capaian([245.125, 122.0]) == 183.5625
    assert mean_capaian([None, 80.0, 100.0]) == 90.0


def test_no_capaian_is_none_not_zero():
    assert mean_capaian([]) is None
    assert mean_capaian([None, None]) is None
