"""The optimizer explorer: its grid is the real optimizers' runs, and in a browser its sliders and
buttons show the run that was computed for the chosen learning rate and knob."""

import json

import numpy as np
import pytest
from browser import open_page, start_browser, text_of
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from minigrad import cli
from minigrad.tour.explorer import LR_FACTORS, best_lr, explore
from minigrad.tour.functions import PROBLEMS
from minigrad.tour.paths import make_optimizer, run_path, steps_to_reach
from minigrad.viz import optimizer_explorer

STEPS = 60
NAMES = ["sgd", "momentum", "adam"]


@pytest.fixture(scope="module")
def rosenbrock():
    return PROBLEMS["rosenbrock"], explore(PROBLEMS["rosenbrock"], NAMES, STEPS)


@pytest.fixture(scope="module")
def browser():
    driver = start_browser()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def page_path(rosenbrock, tmp_path_factory):
    problem, sweeps = rosenbrock
    return optimizer_explorer(problem, sweeps).save(tmp_path_factory.mktemp("explorer") / "e.html")


@pytest.fixture()
def page(browser, page_path, rosenbrock):
    errors, fetched = open_page(browser, page_path)
    assert errors == [] and fetched == []
    return browser, *rosenbrock


@pytest.mark.parametrize(
    "name, lr_index, knob_index, options",
    [
        ("sgd", 2, 0, {}),
        ("momentum", 5, 0, {"momentum": 0.5}),
        ("momentum", 3, 2, {"momentum": 0.99}),
        ("adam", 7, 0, {"betas": (0.5, 0.999)}),
    ],
)
def test_every_grid_point_is_the_run_the_optimizer_makes_alone(
    rosenbrock, name, lr_index, knob_index, options
):
    problem, sweeps = rosenbrock
    sweep = next(s for s in sweeps if s.name == name)
    lr = problem.lr[name] * LR_FACTORS[lr_index]
    alone = run_path(
        problem.fn, problem.start, lambda ps: make_optimizer(name, ps, lr, **options), STEPS
    )
    path, f = sweep.runs[(lr_index, knob_index)]
    finite = np.isfinite(path).all(axis=1)
    np.testing.assert_array_equal(path[finite], alone[finite])
    np.testing.assert_allclose(f[finite], problem.fn(alone[finite, 0], alone[finite, 1]))


def test_the_grid_spans_the_usual_lr_times_powers_of_two_and_each_knob_value(rosenbrock):
    problem, sweeps = rosenbrock
    by_name = {s.name: s for s in sweeps}
    np.testing.assert_allclose(
        by_name["adam"].lrs, [problem.lr["adam"] * 2.0**k for k in range(-4, 6)]
    )
    assert by_name["sgd"].knob is None and len(by_name["sgd"].runs) == len(LR_FACTORS)
    assert by_name["momentum"].knob_values == [0.5, 0.9, 0.99]
    assert len(by_name["momentum"].runs) == 3 * len(LR_FACTORS)
    assert by_name["adam"].knob == "beta1" and by_name["adam"].default_knob == 1


def test_best_lr_is_the_fewest_steps_to_tolerance_else_the_lowest_final_value():
    problem = PROBLEMS["quadratic"]  # f_min 0, tolerance 1e-3
    assert (
        best_lr(problem, [np.array([1, 0.1, 1e-4]), np.array([1, 1e-4, 1e-5]), np.array([1, 2, 3])])
        == 1
    )
    assert best_lr(problem, [np.array([1, 0.5]), np.array([1, 0.2]), np.array([1, np.nan])]) == 1


def test_page_loads_alone_with_no_errors_and_no_fetches(browser, page_path):
    errors, fetched = open_page(browser, page_path)
    assert errors == []
    assert fetched == []  # the contour picture is a data: URL inside the page


def path_points(driver, k):
    text = driver.execute_script(
        f"return document.getElementById('path-{k}').getAttribute('points')"
    )
    return np.array([[float(v) for v in point.split(",")] for point in text.split()])


def to_pixel(problem, point):
    (x0, x1), (y0, y1) = problem.bounds
    return np.array([(point[0] - x0) / (x1 - x0) * 560, (1 - (point[1] - y0) / (y1 - y0)) * 460])


def test_each_optimizer_starts_at_its_best_lr_and_draws_that_runs_path(page):
    driver, problem, sweeps = page
    for k, sweep in enumerate(sweeps):
        best = sweep.best[sweep.default_knob]
        assert driver.find_element(By.ID, f"lr-{k}").get_attribute("value") == str(best)
        assert "best" in text_of(driver, f"best-mark-{k}")
        path, f = sweep.runs[(best, sweep.default_knob)]
        drawn = path_points(driver, k)
        finite = path[np.isfinite(path).all(axis=1)]
        assert len(drawn) == len(finite)
        np.testing.assert_allclose(drawn[0], to_pixel(problem, problem.start), atol=0.06)
        np.testing.assert_allclose(
            drawn[-1], np.clip(to_pixel(problem, finite[-1]), -5000, 5000), atol=0.2
        )


def outcome_in_words(problem, f, steps):
    """What the outcome column should say about a run with values f along its path."""
    reached = steps_to_reach(f, problem.f_min + problem.tolerance)
    if reached is not None:
        return f"within tolerance at step {reached}"
    blown = np.flatnonzero(~np.isfinite(f))
    if len(blown):
        return f"blew up at step {blown[0]}"
    return f"f − f* = {float(f'{f[-1] - problem.f_min:.3g}')} after {steps} steps"


def test_the_lr_slider_shows_the_run_at_that_lr_and_its_outcome(page):
    driver, problem, sweeps = page
    slider = driver.find_element(By.ID, "lr-0")  # sgd
    slider.send_keys(Keys.HOME)
    for i in range(len(LR_FACTORS)):
        path, f = sweeps[0].runs[(i, 0)]
        assert float(text_of(driver, "lr-value-0")) == pytest.approx(sweeps[0].lrs[i], rel=1e-3)
        shown = text_of(driver, "outcome-0")
        if shown.startswith("f − f* = "):  # the page writes 3 significant digits; compare numbers
            number, rest = shown[len("f − f* = ") :].split(" ", 1)
            shown = f"f − f* = {float(number)} {rest}"
        assert shown == outcome_in_words(problem, f, STEPS)
        slider.send_keys(Keys.ARROW_RIGHT)


def test_the_knob_slider_changes_the_path_and_best_brings_the_best_lr_back(page):
    driver, _, sweeps = page
    before = path_points(driver, 1)  # momentum
    driver.find_element(By.ID, "knob-1").send_keys(Keys.HOME)
    assert text_of(driver, "knob-value-1") == "0.5"
    assert not np.array_equal(path_points(driver, 1), before)
    driver.find_element(By.ID, "lr-1").send_keys(Keys.END)
    driver.find_element(By.ID, "best-1").click()
    assert driver.find_element(By.ID, "lr-1").get_attribute("value") == str(sweeps[1].best[0])
    driver.find_element(By.ID, "lr-2").send_keys(Keys.HOME)
    driver.find_element(By.ID, "all-best").click()
    assert driver.find_element(By.ID, "lr-2").get_attribute("value") == str(sweeps[2].best[1])


def test_unticking_an_optimizer_hides_its_path_and_curve(page):
    driver, _, _ = page
    driver.find_element(By.ID, "show-2").click()
    for element in ("path-2", "gap-2", "end-2"):
        assert driver.find_element(By.ID, element).get_attribute("visibility") == "hidden"
    assert driver.find_element(By.ID, "path-0").get_attribute("visibility") == "visible"


def embedded(path):
    text = path.read_text(encoding="utf-8")
    start = text.index('id="explorer">') + len('id="explorer">')
    return json.loads(text[start : text.index("</script>", start)])


def test_minigrad_compare_html_writes_the_explorer_and_prints_its_path(capsys, tmp_path, browser):
    argv = ["compare", "--problem", "quadratic", "--optimizers", "sgd,adam", "--steps", "40"]
    assert cli.main([*argv, "--html", "--out", str(tmp_path)]) == 0
    page = tmp_path / "compare_quadratic.html"
    assert f"wrote {page}" in capsys.readouterr().out
    assert [o["name"] for o in embedded(page)["optimizers"]] == ["sgd", "adam"]
    errors, fetched = open_page(browser, page)
    assert errors == [] and fetched == []


def test_compare_html_on_moons_says_it_is_for_the_2d_functions(capsys, tmp_path):
    assert cli.main(["compare", "--problem", "moons", "--html", "--out", str(tmp_path)]) == 2
    assert "--html draws the optimizer explorer for a 2-D function" in capsys.readouterr().err


def test_optimizer_explorer_rejects_no_sweeps():
    with pytest.raises(ValueError, match="optimizer_explorer: sweeps is empty"):
        optimizer_explorer(PROBLEMS["beale"], [])
