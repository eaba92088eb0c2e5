"""Scenario.plan: the library's planner, as `cafe plan --format json` prints it."""

import pytest

from async_cafe import Scenario


def test_the_bakery_plan_is_optimal_and_the_command_s():
    plan = Scenario.builtin("bakery").plan()
    assert plan["status"] == "optimal"
    assert plan["value"] == plan["bound"] == 18 * 60 * 10**9
    assert [s["step"] for s in plan["steps"]][:2] == ["pull a shot", "knead"]


def test_the_same_as_the_command(cafe):
    import json

    assert Scenario.builtin("bakery").plan() == json.loads(cafe("plan", "bakery", "--format", "json").stdout)


def test_bad_arguments_say_what_to_do():
    with pytest.raises(ValueError, match="pass --seed N"):
        Scenario.builtin("coffee-shop").plan()
    with pytest.raises(ValueError, match="time_limit 0: give the solver more than 0"):
        Scenario.builtin("lunch").plan(time_limit=0)
    with pytest.raises(ValueError, match="unknown objective `fastest`: the objectives are makespan, total-time"):
        Scenario.builtin("lunch").plan(objective="fastest")
    assert Scenario.builtin("coffee-shop").plan(seed=3, time_limit=1)["seed"] == 3
