"""The training page in a real browser: it loads alone, its controls move through the snapshots,
and what it shows at a snapshot is what fit recorded there."""

import json
import re
import time

import numpy as np
import pytest
from browser import open_page, start_browser, text_of
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import cli, data
from minigrad.training import accuracy, fit
from minigrad.viz import snapshots_for, training_page

EPOCHS = 12
POSITIVE, NEGATIVE, GRADIENT = "#2563eb", "#dc2626", "#ea580c"  # the page's edge colours


def small_run(regression=False):
    """A few epochs of a small MLP with snapshots: (history, snapshots, train, test)."""
    if regression:
        X, y = data.make_regression(120, noise=0.1, seed=1)
        sizes, loss_fn, metric = [1, 8, 1], cli.mse_loss_of_predictions, None
    else:
        X, y = data.make_moons(160, noise=0.15, seed=1)
        sizes, loss_fn, metric = [2, 6, 2], F.cross_entropy, accuracy
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, seed=1)
    mg.manual_seed(1)
    model = mg.nn.MLP(sizes, activation="tanh")
    snapshots = snapshots_for(X_train)
    history = fit(
        model,
        loss_fn,
        mg.optim.Adam(model.parameters(), lr=0.05),
        data.DataLoader(X_train, y_train, batch_size=32, seed=1),
        EPOCHS,
        test_data=(X_test, y_test),
        metric=metric,
        progress=False,
        snapshots=snapshots,
    )
    return history, snapshots, (X_train, y_train), (X_test, y_test)


@pytest.fixture(scope="module")
def browser():
    driver = start_browser()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def moons(tmp_path_factory):
    history, snapshots, train, test = small_run()
    path = training_page(history, snapshots, train, test).save(
        tmp_path_factory.mktemp("pages") / "moons_training.html"
    )
    return path, history, snapshots, train, test


@pytest.fixture()
def page(browser, moons):
    """The moons page, freshly loaded: (driver, history, snapshots)."""
    path, history, snapshots, _, _ = moons
    errors, fetched = open_page(browser, path)
    assert errors == [] and fetched == []
    return browser, history, snapshots


def where(driver):
    """(epoch, snapshot index) from the caption 'epoch E of N (snapshot K of M)'."""
    epoch, snapshot = re.match(
        r"epoch (\d+) of \d+ \(snapshot (\d+) of", text_of(driver, "where")
    ).groups()
    return int(epoch), int(snapshot) - 1


def canvas_picture(driver):
    return driver.execute_script("return document.getElementById('boundary').toDataURL()")


def embedded_run(path):
    text = path.read_text(encoding="utf-8")
    start = text.index('<script type="application/json" id="run">') + len(
        '<script type="application/json" id="run">'
    )
    return json.loads(text[start : text.index("</script>", start)])


def test_page_loads_from_disk_with_no_console_errors_and_fetches_nothing(browser, moons):
    errors, fetched = open_page(browser, moons[0])
    assert errors == []
    assert fetched == []  # everything is in the file: no scripts, styles or fonts from elsewhere
    assert where(browser) == (0, 0)


def test_numbers_at_each_snapshot_equal_the_ones_fit_recorded(page):
    driver, history, snapshots = page
    next_button = driver.find_element(By.ID, "next")
    read = "return ['where', 'train-loss', 'test-loss', 'train-accuracy', 'test-accuracy']" + (
        ".map((id) => document.getElementById(id).textContent)"
    )
    for k, record in enumerate(snapshots.records):
        caption, *numbers = driver.execute_script(read)
        assert caption.startswith(f"epoch {record['epoch']} of {EPOCHS} (snapshot {k + 1} of")
        scores = record["scores"]
        if record["epoch"] > 0:  # a snapshot's numbers are that epoch's numbers in the history
            for key in ("loss", "test_loss", "accuracy", "test_accuracy"):
                assert scores[key] == history[key][record["epoch"] - 1]
        assert numbers == [
            f"{scores['loss']:.4f}",
            f"{scores['test_loss']:.4f}",
            f"{100 * scores['accuracy']:.1f}%",
            f"{100 * scores['test_accuracy']:.1f}%",
        ]
        next_button.click()
    assert where(driver)[1] == len(snapshots.records) - 1  # next stops at the last snapshot


def test_arrow_keys_step_and_the_slider_jumps(page):
    driver, _, snapshots = page
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    body.send_keys(Keys.ARROW_RIGHT)
    assert where(driver) == (2, 2)
    body.send_keys(Keys.ARROW_LEFT)
    assert where(driver) == (1, 1)
    slider = driver.find_element(By.ID, "slider")
    slider.send_keys(Keys.END)  # the slider's own keys, as a person would use them
    assert where(driver)[1] == len(snapshots.records) - 1
    slider.send_keys(Keys.HOME)
    assert where(driver) == (0, 0)


def test_play_moves_through_the_snapshots_and_pause_stops(page):
    driver, _, _ = page
    play = driver.find_element(By.ID, "play")
    play.click()
    WebDriverWait(driver, 5, poll_frequency=0.05).until(lambda d: where(d)[1] >= 2)
    play.click()
    assert "play" in play.text
    stopped_at = where(driver)
    time.sleep(0.8)  # two play intervals
    assert where(driver) == stopped_at


def test_the_boundary_and_the_markers_move_with_the_snapshot(page):
    driver, _, _ = page
    before = canvas_picture(driver)
    marker_before = driver.execute_script(
        "return document.querySelector('#loss-chart .marker').getAttribute('x1')"
    )
    driver.find_element(By.ID, "slider").send_keys(Keys.END)
    assert canvas_picture(driver) != before
    marker_after = driver.execute_script(
        "return document.querySelector('#loss-chart .marker').getAttribute('x1')"
    )
    assert float(marker_after) > float(marker_before)


def edge_style(driver, layer, j, i):
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]);"
        "return [e.getAttribute('stroke'), Number(e.getAttribute('stroke-width'))];",
        f"w-{layer}-{j}-{i}",
    )


def test_each_edge_shows_its_weights_sign_and_size_at_the_snapshot(page):
    driver, _, snapshots = page
    largest = max(np.abs(w).max() for r in snapshots.records for w in r["weights"].values())
    for k in (0, 5):
        driver.execute_script("show(arguments[0])", k)
        weights = snapshots.records[k]["weights"]
        for layer, name in enumerate(["0.weight", "2.weight"]):
            w = weights[name]
            for j, i in [(0, 0), (w.shape[0] - 1, w.shape[1] - 1), (1, 1)]:
                colour, width = edge_style(driver, layer, j, i)
                assert colour == (POSITIVE if w[j, i] >= 0 else NEGATIVE)
                assert width == pytest.approx(0.3 + 3.7 * abs(w[j, i]) / largest, abs=2e-3)


def test_gradient_view_draws_each_weights_full_batch_gradient(page):
    driver, _, snapshots = page
    driver.find_element(By.CSS_SELECTOR, "input[value=grads]").click()
    driver.execute_script("show(3)")
    grads = snapshots.records[3]["grads"]
    largest = max(np.abs(grads["0.weight"]).max(), np.abs(grads["2.weight"]).max())
    g = grads["2.weight"]
    j, i = np.unravel_index(np.abs(g).argmax(), g.shape)
    colour, width = edge_style(driver, 1, j, i)
    assert colour == GRADIENT
    assert width == pytest.approx(0.3 + 3.7 * abs(g[j, i]) / largest, abs=2e-3)
    assert float(text_of(driver, "scale")) == pytest.approx(largest, rel=2e-3)


def test_boundary_cells_are_the_classes_a_numpy_forward_pass_predicts(moons):
    path, _, snapshots, _, _ = moons
    run = embedded_run(path)
    xs, ys = np.array(run["grid"]["xs"]), np.array(run["grid"]["ys"])
    grid = np.stack([g.ravel() for g in np.meshgrid(xs, ys)], axis=1)
    for k in (0, len(snapshots.records) - 1):
        w = snapshots.records[k]["weights"]
        hidden = np.tanh(grid @ w["0.weight"].T.astype(np.float64) + w["0.bias"])
        logits = hidden @ w["2.weight"].T + w["2.bias"]
        predicted = "".join(map(str, logits.argmax(axis=1)))
        disagree = sum(a != b for a, b in zip(predicted, run["snapshots"][k]["cells"]))
        assert disagree <= 2  # cells right on the boundary may tip either way in float32


def test_regression_page_draws_the_fitted_curve_and_no_accuracy(browser, tmp_path):
    history, snapshots, train, test = small_run(regression=True)
    path = training_page(history, snapshots, train, test).save(tmp_path / "regression.html")
    errors, fetched = open_page(browser, path)
    assert errors == [] and fetched == []
    curve = "return document.getElementById('curve').getAttribute('points')"
    first = browser.execute_script(curve)
    assert len(first.split()) == len(snapshots.probe)
    browser.execute_script("show(arguments[0])", len(snapshots.records) - 1)
    assert browser.execute_script(curve) != first
    assert not browser.find_element(By.ID, "accuracy-chart").is_displayed()
    assert not browser.find_element(By.ID, "boundary").is_displayed()


def test_minigrad_train_html_writes_the_page_and_prints_its_path(capsys, tmp_path, browser):
    code = cli.main(
        ["train", "moons", "--html", "--epochs", "3", "--no-progress", "--out", str(tmp_path)]
    )
    assert code == 0
    page_path = tmp_path / "moons_training.html"
    assert f"wrote {page_path}" in capsys.readouterr().out
    errors, fetched = open_page(browser, page_path)
    assert errors == [] and fetched == []
    assert text_of(browser, "where") == "epoch 0 of 3 (snapshot 1 of 4)"


def test_page_shows_inline_in_jupyter_as_an_isolated_frame(moons):
    _, history, snapshots, train, test = moons
    page = training_page(history, snapshots, train, test, title="a <run>")
    frame = page._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "<script" not in frame  # escaped inside srcdoc
    assert "<title>a &lt;run&gt;</title>" in page.html


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda h, s, tr: training_page(h, mg.training.Snapshots(), tr), "that fit has filled"),
        (lambda h, s, tr: training_page({}, s, tr), "history has no 'loss'"),
        (lambda h, s, tr: training_page(h, s, tr[0]), "train must be a pair"),
        (
            lambda h, s, tr: snapshots_for(np.zeros((4, 3))),
            r"X must have shape \(n, 1\) or \(n, 2\)",
        ),
    ],
)
def test_training_page_rejects_bad_arguments(moons, call, message):
    _, history, snapshots, train, _ = moons
    with pytest.raises(ValueError, match=message):
        call(history, snapshots, train)
