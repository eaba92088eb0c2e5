"""Scenarios: loading, errors located as the command locates them, changes, pickling."""

from __future__ import annotations

import pickle

import pytest

import async_cafe as ac
from conftest import ROOT


def test_builtins_are_listed_with_summaries_in_the_command_order(cafe):
    b = ac.builtins()
    assert list(b)[:4] == ["cafe", "hello-async", "gather-tasks", "create-tasks"]
    assert all(b.values())
    listed = cafe("list").stdout
    for name in b:
        assert name in listed


def test_a_builtin_loads_with_its_kitchen():
    lunch = ac.Scenario.builtin("lunch")
    assert lunch.name == "lunch" and lunch.unit == "min" and lunch.unit_seconds == 60.0
    assert lunch.cooks == 1
    shop = ac.Scenario.builtin("rush-hour")
    assert isinstance(shop.equipment, dict)


def test_an_unknown_builtin_is_a_value_error_with_suggestions():
    with pytest.raises(ValueError, match=r"no built-in scenario is called `lunh`[\s\S]*did you mean `lunch`"):
        ac.Scenario.builtin("lunh")


def test_problems_are_located_as_cafe_check_reports_them(tmp_path, cafe):
    path = tmp_path / "mine.toml"
    path.write_text("[kitchen]\ncooks = 0\n")
    with pytest.raises(ac.ScenarioError) as info:
        ac.Scenario.load(path)
    e = info.value
    assert isinstance(e, ValueError)
    check = cafe("check", str(path), check=False)
    assert check.returncode == 2
    # The same located report as the command's, word for word.
    assert str(e) == check.stderr.strip()
    cooks = [p for p in e.problems if "cook" in p.message]
    assert len(cooks) == 1
    p = cooks[0]
    assert (p.file, p.line, p.column) == (str(path), 2, 9)
    assert p.help and "cooks = 1" in p.help
    assert f"{path}:2:9" in str(e)
    # Problems about the whole file have no line.
    assert any(q.line is None for q in e.problems)


def test_from_toml_names_its_text_and_a_path_if_given():
    with pytest.raises(ac.ScenarioError) as info:
        ac.Scenario.from_toml("[kitchen]\ncooks = 0\n", name="mine")
    assert "<string>:2:9" in str(info.value)
    with pytest.raises(ac.ScenarioError) as info:
        ac.Scenario.from_toml("[kitchen\n", path="typo.toml")
    assert info.value.problems[0].file == "typo.toml"
    assert info.value.problems[0].line == 1


def test_very_many_problems_list_the_first_thousand_and_count_them_all():
    items = ",".join(f'{{item="y{i}"}}' for i in range(1500))
    text = f'[recipes.r]\nsteps=[{{name="a",kind="hands-on",duration=1}}]\n[menu]\nx="r"\n[customers]\nlist=[{items}]\n'
    with pytest.raises(ac.ScenarioError) as info:
        ac.Scenario.from_toml(text, name="many")
    e = info.value
    assert e.count == 1500 and len(e.problems) == 1000
    assert [(p.line, p.column, p.message) for p in e.problems[:2]] == [
        (6, 13, "`y0` is not on the menu"),
        (6, 25, "`y1` is not on the menu"),
    ]
    # The report shows the first 100 and counts the rest.
    assert str(e).endswith("… and 1,400 more problems (not on the menu: 1,400)\n\nerror: <string> has 1,500 problems")
    assert pickle.loads(pickle.dumps(e)).count == 1500


def test_a_missing_file_is_a_scenario_error_naming_it(tmp_path):
    with pytest.raises(ac.ScenarioError, match="cannot read"):
        ac.Scenario.load(tmp_path / "nope.toml")


def test_changes_return_new_scenarios_and_are_written_into_the_toml():
    shop = ac.Scenario.builtin("rush-hour")
    (eq, cap), = list(shop.equipment.items())[:1]
    changed = shop.with_cooks(5).with_equipment(eq, cap + 2).with_policy("longest-chain")
    assert (shop.cooks, changed.cooks) != (5, shop.cooks)
    assert changed.cooks == 5 and changed.equipment[eq] == cap + 2 and changed.policy == "longest-chain"
    assert changed.changes == ["cooks=5", f"equipment.{eq}={cap + 2}", "policy=longest-chain"]
    again = ac.Scenario.from_toml(changed.to_toml(), name="rush-hour")
    assert (again.cooks, again.equipment, again.policy) == (5, changed.equipment, "longest-chain")
    # The same kitchen runs the same: the TOML and the change agree.
    assert again.run(seed=3).stats == changed.run(seed=3).stats
    same = shop.replace(cooks=5, equipment={eq: cap + 2}, policy="longest-chain")
    assert same.run(seed=3).stats == changed.run(seed=3).stats


def test_a_rate_change_needs_poisson_arrivals_in_the_sweeps_words():
    from conftest import mmc_toml

    mmc = ac.Scenario.from_toml(mmc_toml(count=50), name="mmc")
    faster = mmc.with_rate(4.5)
    assert "rate = 4.5" in faster.to_toml()
    with pytest.raises(ValueError, match="Poisson"):
        ac.Scenario.builtin("cafe").with_rate(2.0)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda s: s.with_cooks(0), "at least one cook"),
        (lambda s: s.with_cooks(-1), "at least one cook"),
        (lambda s: s.with_equipment("coffee_machine", -2), "capacity below 1"),
        (lambda s: s.with_equipment("espresso", 1), "no equipment|unknown|not"),
        (lambda s: s.with_policy("fastest"), "fifo"),
    ],
)
def test_bad_changes_are_value_errors(change, words):
    with pytest.raises(ValueError, match=words):
        change(ac.Scenario.builtin("cafe"))


def test_bad_types_are_type_errors():
    cafe = ac.Scenario.builtin("cafe")
    with pytest.raises(TypeError):
        cafe.with_cooks("three")
    with pytest.raises(TypeError):
        cafe.run(seed="x")
    with pytest.raises(TypeError):
        ac.sweep(cafe, vary=["cooks=1..2"])


def test_scenarios_pickle_with_their_changes_and_files():
    replay = ac.Scenario.builtin("coffee-shop-replay").with_cooks(2)
    back = pickle.loads(pickle.dumps(replay))
    assert back.changes == ["cooks=2"] and back.cooks == 2
    assert back.run().narrative == replay.run().narrative
    # A file that refers to another travels with it.
    path = ROOT / "scenarios" / "coffee-shop-replay.toml"
    loaded = ac.Scenario.load(path)
    assert pickle.loads(pickle.dumps(loaded)).run().narrative == loaded.run().narrative


def _load(text: str):
    return ac.Scenario.from_toml(text)


def test_scenario_errors_pickle_with_their_problems():
    with pytest.raises(ac.ScenarioError) as info:
        ac.Scenario.from_toml("[kitchen]\ncooks = 0\n")
    e = info.value
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is ac.ScenarioError and str(back) == str(e)
    assert [(p.file, p.line, p.column, p.message, p.label, p.help) for p in back.problems] == [
        (p.file, p.line, p.column, p.message, p.label, p.help) for p in e.problems
    ]
    assert repr(back.problems[0]) == repr(e.problems[0])
    # Through a process pool, the caller gets the located report.
    import concurrent.futures

    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        with pytest.raises(ac.ScenarioError) as remote:
            pool.submit(_load, "[kitchen]\ncooks = 0\n").result()
    assert str(remote.value) == str(e)
    assert any(p.line == 2 and p.column == 9 for p in remote.value.problems)
