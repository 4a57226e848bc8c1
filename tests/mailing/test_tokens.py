from policypulse.mailing import tokens


def test_tokens_round_trip_and_carry_no_address():
    token = tokens.make_token("abc123", tokens.UNSUBSCRIBE)
    assert tokens.read_token(token, tokens.UNSUBSCRIBE) == "abc123"
    assert "@" not in token


def test_tokens_are_bound_to_their_purpose_and_signature():
    token = tokens.make_token("abc123", tokens.UNSUBSCRIBE)
    assert tokens.read_token(token, tokens.PREFERENCES) is None
    assert tokens.read_token("abc124" + token[6:], tokens.UNSUBSCRIBE) is None
    assert (
        tokens.read_token(token[:-1] + ("A" if token[-1] != "A" else "B"), tokens.UNSUBSCRIBE)
        is None
    )
    assert tokens.read_token("garbage", tokens.UNSUBSCRIBE) is None


def test_unsubscribe_tokens_do_not_expire_but_confirmations_do():
    token = tokens.make_confirm_token("k", ["justice"], "nonce")
    assert tokens.read_confirm_token(token) == {"k": "k", "s": ["justice"], "n": "nonce"}
    assert tokens.read_confirm_token(token, max_age=-1) is None
    assert tokens.read_confirm_token(token + "x") is None


def test_confirmation_tokens_without_a_nonce_are_refused():
    """Links signed before confirmations were single-use carry no nonce: they cannot be bound
    to a pending request, so they are refused (the person asks again)."""
    from django.core import signing

    old = signing.dumps({"k": "k", "s": []}, salt=tokens.CONFIRM, compress=True)
    assert tokens.read_confirm_token(old) is None
    empty = tokens.make_confirm_token("k", [], "")
    assert tokens.read_confirm_token(empty) is None
