from shinchoku.tenancy import codes


def test_the_national_list_holds_every_municipality():
    everyone = codes.national_list()
    assert len(everyone) == 1741
    assert len({row.code for row in everyone}) == 1741
    assert all(codes.code_is_valid(row.code) for row in everyone)


def test_a_unique_name_gives_its_code():
    assert codes.code_for_name("柏崎市") == "152056"
    assert codes.code_for_name("新潟県柏崎市") == "152056"
    assert codes.code_for_name("柏崎市 ") == "152056"


def test_an_ambiguous_name_gives_no_code_but_its_candidates():
    assert codes.code_for_name("府中市") is None
    assert {row.prefecture for row in codes.candidates_for_name("府中市")} == {"東京都", "広島県"}
    assert codes.code_for_name("東京都府中市") == "132063"


def test_an_unknown_name_gives_nothing():
    assert codes.code_for_name("架空市") is None
    assert codes.code_for_name("") is None


def test_the_check_digit_is_checked():
    assert codes.code_is_valid("152056")
    assert not codes.code_is_valid("152057")
    assert not codes.code_is_valid("15205")
    assert not codes.code_is_valid("１５２０５６")
    assert codes.by_code("152056").name == "柏崎市"
    assert codes.by_code("999999") is None
