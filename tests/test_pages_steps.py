"""The backward step-through page in a browser: stepping, and zoom and pan that make the frames
of an MLP 4-16-16-3 readable."""

import pytest
from browser import open_page, start_browser, text_of
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import minigrad as mg
from minigrad.viz import backward_frames, save_frames

READABLE_PX = 10  # a node title this tall on screen or more reads comfortably


@pytest.fixture(scope="module")
def browser():
    driver = start_browser()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def mlp_page(tmp_path_factory):
    mg.manual_seed(0)
    model = mg.nn.MLP([4, 16, 16, 3], activation="tanh")
    x = mg.Tensor(mg.random.generator().normal(size=(1, 4)).astype("float32"), name="x")
    loss = mg.nn.functional.mse_loss(model(x), mg.zeros(1, 3))
    loss.name = "loss"
    frames = backward_frames(loss, model=model)
    saved = save_frames(frames, tmp_path_factory.mktemp("steps"), fmt="svg", gif=False)
    return saved.html, len(frames)


@pytest.fixture()
def page(browser, mlp_page):
    errors, fetched = open_page(browser, mlp_page[0])
    assert errors == [] and fetched == []
    return browser, mlp_page[1]


def shown_svg_size(driver):
    return driver.execute_script(
        "const r = document.querySelector('.frame.shown svg').getBoundingClientRect();"
        "return [r.width, r.height];"
    )


def widest_frame(driver):
    return driver.execute_script(
        "return Math.max(...[...document.querySelectorAll('.frame svg')].map((s) => parseFloat(s.style.width)))"
    )


def tallest_frame(driver):
    return driver.execute_script(
        "return Math.max(...[...document.querySelectorAll('.frame svg')].map((s) => parseFloat(s.style.height)))"
    )


def title_height(driver):
    """On-screen height of the bold name in the first tensor box of the frame shown."""
    return driver.execute_script(
        "const t = document.querySelector('.frame.shown g.node text[font-weight=bold]');"
        "return t.getBoundingClientRect().height;"
    )


def viewport(driver):
    return driver.execute_script(
        "const v = document.getElementById('viewport');"
        "return {width: v.clientWidth, height: v.clientHeight, left: v.scrollLeft, top: v.scrollTop};"
    )


def test_page_loads_with_no_errors_and_an_mlp_4_16_16_3_starts_readable(browser, mlp_page):
    errors, fetched = open_page(browser, mlp_page[0])
    assert errors == [] and fetched == []
    assert text_of(browser, "zoom") == "100%"  # too wide to fit: full size, to be panned
    assert title_height(browser) >= READABLE_PX
    assert shown_svg_size(browser)[0] > viewport(browser)["width"]


def test_fit_width_shows_all_of_it_and_fit_height_fills_the_height(page):
    driver, _ = page
    driver.find_element(By.ID, "fit-width").click()
    assert widest_frame(driver) == pytest.approx(viewport(driver)["width"] - 4, abs=2)
    small_title = title_height(driver)
    driver.find_element(By.ID, "fit-height").click()
    assert tallest_frame(driver) == pytest.approx(viewport(driver)["height"] - 4, abs=2)
    assert title_height(driver) > small_title >= 1


def test_zoom_buttons_keys_and_wheel_scale_the_picture(page):
    driver, _ = page
    width = shown_svg_size(driver)[0]
    driver.find_element(By.ID, "zoom-in").click()
    assert shown_svg_size(driver)[0] == pytest.approx(1.25 * width, rel=1e-3)
    assert text_of(driver, "zoom") == "125%"
    driver.find_element(By.ID, "zoom-out").click()
    driver.find_element(By.ID, "zoom-out").click()
    assert text_of(driver, "zoom") == "80%"
    driver.find_element(By.TAG_NAME, "body").send_keys("-")
    assert text_of(driver, "zoom") == "64%"
    driver.find_element(By.TAG_NAME, "body").send_keys("+")
    assert text_of(driver, "zoom") == "80%"
    box = driver.find_element(By.ID, "viewport")
    ActionChains(driver).scroll_from_origin(ScrollOrigin.from_element(box), 0, -120).perform()
    assert text_of(driver, "zoom") == "100%"  # wheel up zooms in
    ActionChains(driver).scroll_from_origin(ScrollOrigin.from_element(box), 0, 120).perform()
    assert text_of(driver, "zoom") == "80%"
    driver.find_element(By.ID, "actual-size").click()
    assert shown_svg_size(driver)[0] == pytest.approx(width, rel=1e-3)


def test_dragging_pans_the_picture(page):
    driver, _ = page
    before = viewport(driver)["left"]  # the first step's output is at the right: room to pan back
    assert before >= 300
    box = driver.find_element(By.ID, "viewport")
    ActionChains(driver).move_to_element(box).click_and_hold().move_by_offset(
        300, 0
    ).release().perform()
    assert viewport(driver)["left"] == pytest.approx(before - 300, abs=2)


def current_step_in_view(driver):
    """Whether this frame's current tensor and op lie inside the viewport, and their count."""
    return driver.execute_script(
        "const v = document.getElementById('viewport').getBoundingClientRect();"
        "const gs = [...document.querySelectorAll('.frame.shown g.current')];"
        "return [gs.length, gs.every((g) => { const b = g.getBoundingClientRect();"
        " return b.left >= v.left && b.right <= v.right && b.top >= v.top && b.bottom <= v.bottom; })];"
    )


def test_every_step_scrolls_its_tensor_into_view_and_a_panned_view_stays(page):
    driver, n_frames = page
    assert current_step_in_view(driver) == [2, True]  # at load: the output and its op
    body = driver.find_element(By.TAG_NAME, "body")
    for k in range(1, n_frames):
        body.send_keys(Keys.ARROW_RIGHT)
        count, inside = current_step_in_view(driver)
        assert count >= 1 and inside, f"step {k + 1}: this step's tensor is outside the view"
    # panned away from the step: showing it again brings it back
    driver.execute_script("const v = document.getElementById('viewport'); v.scrollLeft = 0; v.scrollTop = 0;")
    driver.execute_script("show(0)")
    assert current_step_in_view(driver) == [2, True]
    # panned a little, the step still in view: showing it again leaves the reader's view alone
    driver.execute_script("document.getElementById('viewport').scrollLeft -= 5")
    left = viewport(driver)["left"]
    assert current_step_in_view(driver)[1]
    driver.execute_script("show(0)")
    assert viewport(driver)["left"] == left


def test_stepping_keeps_the_zoom_and_shows_the_next_frame(page):
    driver, n_frames = page
    driver.find_element(By.ID, "zoom-in").click()
    zoomed = shown_svg_size(driver)
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert text_of(driver, "caption") == f"step 2 of {n_frames}"
    assert shown_svg_size(driver) == pytest.approx(zoomed, rel=1e-3)
    driver.find_element(By.ID, "next").click()
    driver.find_element(By.ID, "prev").click()
    assert text_of(driver, "caption") == f"step 2 of {n_frames}"
    assert "Backward step 2 of" in driver.find_element(By.CSS_SELECTOR, ".frame.shown svg").text


def test_the_step_title_stays_above_the_picture_while_it_is_panned(page):
    driver, n_frames = page
    body = driver.find_element(By.TAG_NAME, "body")
    for k in range(n_frames):
        title = text_of(driver, "what")
        assert title.startswith(f"Backward step {k + 1} of {n_frames}:"), title
        assert title in driver.find_element(By.CSS_SELECTOR, ".frame.shown svg").text
        body.send_keys(Keys.ARROW_RIGHT)
