from __future__ import annotations

from bot.knowledge.scope import ScopeGuard


def test_other_places_are_the_ones_it_is_given() -> None:
    guard = ScopeGuard(["北京", "廣州"], ["beijing", "hong kong"])
    assert guard.out_of_scope("北京的丧葬费标准是多少") == "other-region"
    assert guard.out_of_scope("How much is the funeral grant in Hong Kong?") == "other-region"
    # Named as where the asker lives, a place is living elsewhere, not another region's rules.
    assert guard.out_of_scope("我在广州带外孙 认证怎么办") is None
    assert guard.lives_elsewhere("我在广州带外孙 认证怎么办")
    assert ScopeGuard().out_of_scope("北京的丧葬费标准是多少") is None


def test_the_lexicon_cues_need_no_places() -> None:
    guard = ScopeGuard()
    assert guard.out_of_scope("tell me a joke") == "chit-chat"
    assert guard.out_of_scope("医保报销比例是多少") == "off-topic"
    assert guard.out_of_scope("出国了怎么认证") == "off-topic"
    assert guard.out_of_scope("年审要带什么证件") is None
