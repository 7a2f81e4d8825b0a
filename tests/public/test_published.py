from django_scopes import scopes_disabled

from shinchoku.public import published
from shinchoku.tenancy.models import Municipality


def test_a_municipality_is_public_once_it_has_a_code_and_a_publication(kashiwazaki, django_assert_num_queries):
    with scopes_disabled():
        Municipality.objects.filter(pk=kashiwazaki.pk).update(code="")  # the import fills it; without it: hidden
    assert published.published_municipalities() == []
    with scopes_disabled():
        Municipality.objects.filter(pk=kashiwazaki.pk).update(code="152056")
        Municipality.objects.create(name="未公表市", code="132063")
    with django_assert_num_queries(1):
        assert [m.name for m in published.published_municipalities()] == ["柏崎市"]
    assert published.municipality_for_code("152056").pk == kashiwazaki.pk
    assert published.municipality_for_code("132063") is None
    assert published.municipality_for_code("abc") is None


def test_published_years_list_every_version(kashiwazaki, django_assert_num_queries):
    with django_assert_num_queries(1):
        years = published.published_years(municipality=kashiwazaki)
    assert [year.fiscal_year for year in years] == [2023]
    assert years[0].latest.version == 1
    assert years[0].earlier == ()
    assert years[0].document["report"]["fiscal_year"] == 2023
    assert published.published_year(municipality=kashiwazaki, fiscal_year=2022) is None
