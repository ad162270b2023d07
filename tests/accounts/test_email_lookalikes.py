"""One mailbox is one account, and no account's address can be imitated (issue 12.14):
addresses are normalised (NFKC, lower case, the domain in one IDNA form), a part that mixes
scripts is refused, and so is an address whose confusable skeleton (UTS #39) is another
account's."""

import pytest
from django.core.management import CommandError, call_command

from accounts import services
from accounts.models import User, normalize_email
from tests.conftest import PASSWORD

SIGNUP_URL = "/api/v1/signup/"
TOKEN_URL = "/api/v1/auth/token/"
pytestmark = pytest.mark.django_db
CYRILLIC_A = "victim@\u0430cme.test"  # "аcme": Cyrillic а, Latin cme
CYRILLIC_A_PUNYCODE = "victim@xn--cme-5cd.test"  # the same mailbox, spelled in ASCII
DOTLESS_I = "vict\u0131m@acme.test"  # Latin small dotless ı
PASSPHRASE = "a-long-passphrase-9"


def signup(api, email):
    body = {"email": email, "password": PASSPHRASE, "organization": "Initech"}
    return api().post(SIGNUP_URL, body, format="json")


@pytest.fixture
def victim(make_account):
    return make_account("victim@acme.test", organization="Acme")


def test_the_unicode_and_the_punycode_domain_are_one_account(api, mailoutbox):
    assert signup(api, "dev@\u043f\u0440\u0438\u043c\u0435\u0440.test").status_code == 201
    again = signup(api, "dev@xn--e1afmkfd.test")
    assert again.status_code == 201  # answered like any known address
    assert User.objects.count() == 1
    assert User.objects.get().email == "dev@\u043f\u0440\u0438\u043c\u0435\u0440.test"
    # Either spelling signs in to the one account.
    for spelling in ("dev@xn--e1afmkfd.test", "DEV@\u041f\u0420\u0418\u041c\u0415\u0420.test"):
        body = {"email": spelling, "password": PASSPHRASE}
        assert api().post(TOKEN_URL, body, format="json").status_code == 200, spelling


def test_a_compatibility_character_is_its_plain_letter(api, make_account):
    make_account("sam@acme.test")
    assert signup(api, "\u017fam@acme.test").status_code == 201  # LATIN SMALL LETTER LONG S
    assert User.objects.count() == 1
    body = {"email": "\u017fam@acme.test", "password": PASSWORD}
    assert api().post(TOKEN_URL, body, format="json").status_code == 200


@pytest.mark.parametrize("email", [CYRILLIC_A, CYRILLIC_A_PUNYCODE])
def test_an_address_mixing_scripts_is_refused_with_a_field_error(api, email):
    response = signup(api, email)
    assert response.status_code == 400
    assert "mixes" in response.json()["email"][0]
    assert not User.objects.exists()


def test_an_address_that_looks_like_an_existing_account_makes_none_and_tells_only_its_mailbox(
    api, victim, mailoutbox
):
    response = signup(api, DOTLESS_I)
    # Answered as any new or taken address is, so that a stranger learns nothing about
    # which accounts exist; the mailbox asked for hears why no account was made.
    assert response.status_code == 201 and response.json()["email"] == DOTLESS_I
    assert User.objects.count() == 1
    assert [m.to for m in mailoutbox] == [[DOTLESS_I]]
    assert "display like the address of an existing account" in mailoutbox[0].body
    # The look-alike's skeleton is the victim's: a fresh address gets no such mail.
    mailoutbox.clear()
    assert signup(api, "someone.else@acme.test").status_code == 201
    assert "existing account" not in mailoutbox[0].body


def test_the_signup_page_answers_a_look_alike_as_a_taken_address(client, victim, mailoutbox):
    fresh = client.post(
        "/accounts/signup/",
        {"email": "new.person@acme.test", "organization": "Hooli", "password1": PASSPHRASE},
    )
    client.logout()
    response = client.post(
        "/accounts/signup/",
        {"email": DOTLESS_I, "organization": "Hooli", "password1": PASSPHRASE},
    )
    assert (response.status_code, response.url) == (fresh.status_code, fresh.url)
    assert User.objects.count() == 2  # the victim and new.person
    assert mailoutbox[-1].to == [DOTLESS_I]
    assert "display like the address of an existing account" in mailoutbox[-1].body


def test_staff_made_accounts_are_held_to_the_same_rules(victim):
    with pytest.raises(services.LooksLikeAnother) as refused:
        services.account_create(actor=None, email=DOTLESS_I, password=PASSWORD, role="reviewer")
    assert refused.value.code == "confusable_email" and refused.value.extra == {"field": "email"}
    with pytest.raises(CommandError, match="looks like"):
        call_command("create_user", email=DOTLESS_I, password=PASSWORD, role="developer")
    with pytest.raises(CommandError, match="mixes"):
        call_command("create_user", email=CYRILLIC_A_PUNYCODE, password=PASSWORD, role="developer")
    assert User.objects.count() == 1


def test_a_look_alike_never_signs_in_to_the_account_it_imitates(api, victim):
    for spelling in (DOTLESS_I, CYRILLIC_A, CYRILLIC_A_PUNYCODE):
        body = {"email": spelling, "password": PASSWORD}
        response = api().post(TOKEN_URL, body, format="json")
        assert response.status_code == 400 and response.json()["code"] == "invalid_credentials"
    body = {"email": "VICTIM@ACME.TEST", "password": PASSWORD}
    assert api().post(TOKEN_URL, body, format="json").status_code == 200


def test_password_reset_finds_the_account_by_either_spelling(client, make_account, mailoutbox):
    make_account("dev@\u043f\u0440\u0438\u043c\u0435\u0440.test")
    response = client.post("/accounts/password/reset/", {"email": "dev@xn--e1afmkfd.test"})
    assert response.status_code == 302
    # A reset link, to the same mailbox (in the spelling asked for).
    assert len(mailoutbox) == 1 and "/accounts/password/reset/key/" in mailoutbox[0].body
    assert normalize_email(mailoutbox[0].to[0]) == "dev@\u043f\u0440\u0438\u043c\u0435\u0440.test"


def test_an_account_cannot_add_a_look_alike_address(client, victim, dev_a):
    client.force_login(dev_a)
    response = client.post("/accounts/email/", {"action_add": "", "email": DOTLESS_I})
    assert response.status_code == 200
    assert "looks like" in response.context["form"].errors["email"][0]
    assert not dev_a.emailaddress_set.filter(email=DOTLESS_I).exists()
