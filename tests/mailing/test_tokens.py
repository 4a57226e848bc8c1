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
    token = tokens.make_confirm_token("k", ["justice"])
    assert tokens.read_confirm_token(token) == {"k": "k", "s": ["justice"]}
    assert tokens.read_confirm_token(token, max_age=-1) is None
    assert tokens.read_confirm_token(token + "x") is None
