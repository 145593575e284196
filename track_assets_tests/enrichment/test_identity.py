"""Identity by evidence: names written the ways real services write them, and identifiers that
overrule names. Every expectation is what a careful analyst would answer for the pair."""

import pytest

from track_assets.enrichment.identity import (
    IDENTIFIER_CONFIDENCE,
    KnownName,
    NameAgreement,
    PersonView,
    assign_people,
    compare_names,
    ipi_key,
    match_people,
    name_words,
)


def credit(name: str, **identifiers) -> PersonView:
    return PersonView.of([KnownName(name, "Spotify credit")], **identifiers)


def mlc(name: str, ipi: str | None = None) -> PersonView:
    return PersonView.of([KnownName(name, "MLC writer")], ipis=[ipi])


@pytest.mark.parametrize(
    ("spotify", "other", "expected"),
    [
        # case, diacritics, punctuation, spacing
        ("Beyoncé Knowles", "BEYONCE KNOWLES", NameAgreement.SAME),
        ("Sigur Rós", "sigur ros", NameAgreement.SAME),
        ("Bjørn Ulvæus", "BJORN ULVAEUS", NameAgreement.SAME),
        ("Mike WiLL Made-It", "MIKE WILL MADE IT", NameAgreement.SAME),
        # Unicode hyphens and apostrophes
        ("Jean\u2010Luc Picard", "JEAN-LUC PICARD", NameAgreement.SAME),
        ("Shane O\u2019Brien", "SHANE OBRIEN", NameAgreement.SAME),
        ("Sinéad O'Connor", "SINEAD O\u02bcCONNOR", NameAgreement.SAME),
        ("DeAndre Way", "DE ANDRE WAY", NameAgreement.SAME),
        # name order as The MLC's portal and sort names write it
        ("Amala Dlamini", "DLAMINI AMALA", NameAgreement.REORDERED),
        ("Dlamini, Amala Ratna Zandile", "Amala Ratna Zandile Dlamini", NameAgreement.SAME),
        # middle names or initials on one side only
        ("Sonny Moore", "SONNY JOHN MOORE", NameAgreement.MIDDLE_NAMES),
        ("John R. Smith", "JOHN ROBERT SMITH", NameAgreement.MIDDLE_NAMES),
        ("Max Martin", "MARTIN KARL MAX", None),  # first and last do not line up either way
        ("Karl Martin", "MARTIN KARL MAX", NameAgreement.MIDDLE_NAMES),  # LAST FIRST MIDDLE
        ("Maria Garcia", "MARIA GARCIA LOPEZ", None),  # a second surname is not a middle name
        ("Ed Sheeran", "EDWARD CHRISTOPHER SHEERAN", None),  # a nickname needs an alias
        # a shared first or last name alone is never agreement
        ("John Smith", "JOHN BROWN", None),
        ("John Smith", "PAUL SMITH", None),
        ("Paul Smith", "JOHN PAUL SMITH", None),
        ("J. Smith", "JOHN SMITH", None),
        ("Smith", "JOHN SMITH", None),
        # a generational suffix says nothing
        ("Harry Connick Jr.", "HARRY CONNICK", NameAgreement.SAME),
        # other scripts do not meet Latin names without an alias
        ("周杰倫", "CHOU CHIEH LUN", None),
        ("Максим Фадеев", "MAKSIM FADEEV", None),
    ],
)
def test_names_agree_as_an_analyst_would_read_them(spotify, other, expected):
    assert compare_names(spotify, other) == expected
    assert compare_names(other, spotify) == expected


def test_name_words_fold_what_services_write_differently():
    assert name_words("Moore, Sonny John") == ("sonny", "john", "moore")
    assert name_words("  Beyoncé   Giselle KNOWLES\u2011Carter ") == (
        "beyonce",
        "giselle",
        "knowles",
        "carter",
    )
    assert name_words("Simon & Garfunkel") == ("simon", "and", "garfunkel")
    assert name_words("") == ()


def test_ipi_numbers_compare_without_leading_zeros():
    assert ipi_key("339685117") == ipi_key("00339685117") == "00339685117"
    assert ipi_key("") is None and ipi_key("00000000000") is None


def test_a_stage_name_reaches_the_legal_name_only_through_an_alias():
    skrillex = credit("Skrillex")
    writer = mlc("SONNY JOHN MOORE")
    assert not match_people(skrillex, writer).same
    known = skrillex.merged(
        PersonView.of(
            [
                KnownName("Skrillex", "MusicBrainz name"),
                KnownName("Sonny Moore", "MusicBrainz alias (Legal name)"),
            ]
        )
    )
    found = match_people(known, writer)
    assert found.same
    assert found.confidence == 0.75
    assert "Legal name" in found.describe() and "SONNY JOHN MOORE" in found.describe()


def test_a_native_script_name_reaches_the_latin_one_through_an_alias():
    jay = credit("周杰倫").merged(
        PersonView.of(
            [
                KnownName("周杰倫", "MusicBrainz name"),
                KnownName("Jay Chou", "MusicBrainz alias (Artist name, en)"),
                KnownName("Chou Chieh-lun", "MusicBrainz alias (Legal name, en)"),
            ]
        )
    )
    assert match_people(jay, mlc("CHOU CHIEH LUN")).same


def test_an_agreeing_ipi_is_certain_whatever_the_names():
    found = match_people(credit("Skrillex", ipis=["339685117"]), mlc("MOORE SONNY", "00339685117"))
    assert found.same and found.confidence == IDENTIFIER_CONFIDENCE
    assert "IPI 00339685117" in found.describe()


def test_a_disagreeing_ipi_overrules_equal_names():
    namesake = match_people(credit("John Smith", ipis=["111"]), mlc("JOHN SMITH", "222"))
    assert not namesake.same
    assert namesake.contradicted and "IPIs differ" in namesake.describe()


def test_an_ipi_on_one_side_only_neither_confirms_nor_contradicts():
    found = match_people(credit("John Smith"), mlc("JOHN SMITH", "222"))
    assert found.same and found.confidence == 0.9


def test_a_search_hint_counts_less_than_a_name_the_person_uses():
    hinted = PersonView.of([KnownName("Bjork", "MusicBrainz alias (Search hint)", hint=True)])
    assert match_people(hinted, mlc("BJORK")).confidence == pytest.approx(0.8)


def test_each_writer_is_matched_once_and_the_strongest_evidence_wins():
    credited = [credit("Amala Dlamini"), credit("Lukasz Gottwald"), credit("Someone Else")]
    work = [mlc("LUKASZ SEBASTIAN GOTTWALD"), mlc("DLAMINI AMALA RATNA ZANDILE"), mlc("X Y")]
    found = assign_people(credited, work)
    assert [a.right for a in found] == [1, 0, None]
    assert found[0].match.confidence == 0.75 and found[1].match.confidence == 0.75


def test_two_equally_good_candidates_stay_unmatched():
    # Father and son of one name on one work, and no IPI on the credit to tell them apart.
    credited = [credit("Hank Williams")]
    work = [mlc("HANK WILLIAMS", "1"), mlc("HANK WILLIAMS", "2")]
    [tie] = assign_people(credited, work)
    assert tie.right is None and tie.tied_with == (0, 1)
    [by_ipi] = assign_people([credit("Hank Williams", ipis=["2"])], work)
    assert by_ipi.right == 1


def test_two_credits_claiming_one_writer_equally_both_stay_unmatched():
    credited = [credit("J Smith Jones"), credit("J Smith Jones")]
    [first, second] = assign_people(credited, [mlc("J SMITH JONES")])
    assert first.right is None and second.right is None


def test_an_identifier_match_is_not_taken_by_a_weaker_name_match():
    credited = [credit("Sonny Moore"), credit("Skrillex", ipis=["339685117"])]
    work = [mlc("SONNY JOHN MOORE", "339685117")]
    found = assign_people(credited, work)
    assert found[1].right == 0 and found[1].match.confidence == IDENTIFIER_CONFIDENCE
    assert found[0].right is None
