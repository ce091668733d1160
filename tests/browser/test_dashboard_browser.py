"""``nextwork-sim dashboard`` in a real browser (headless Debian Chromium, Playwright): the
pages load with nothing fetched from anywhere but 127.0.0.1 (the ``page`` fixture fails the
test on any other request, and on any failed one; the ``dashboard`` fixture on any request
the server sends out), a scenario chosen shows in a chart's legend, an edited scenario is
validated, and a small run completes in the background (or is cancelled) and its result
appears."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.browser
LOAD = 60_000   # ms: bounds on waits, not checks of speed
RUN = 180_000


def _select(page, label: str):
    """The Vuetify select with this label."""
    return page.locator(".v-select").filter(has=page.locator("label", has_text=label))


def _menu_item(page, text: str):
    return page.locator(".menuable__content__active .v-list-item").filter(
        has=page.get_by_text(text, exact=True))


def _legend(page, figure: int = 0):
    return page.locator(".js-plotly-plot").nth(figure).locator(".legendtext")


def _go(page, name: str) -> None:
    """Open a page with the app bar's button (a reload would start a new session)."""
    page.locator("header").get_by_role("button", name=name, exact=True).click()


def _card_button(page, name: str):
    return page.locator(".v-card").get_by_role("button", name=name, exact=True)


def test_results_page_shows_the_scenario_chosen(page):
    page, url, _ = page
    page.goto(url)
    expect(_select(page, "Results folder")).to_contain_text("demo", timeout=LOAD)
    expect(_legend(page)).to_have_text(["traditional", "next_workforce"], timeout=LOAD)
    expect(_legend(page, 1)).to_have_text(["next_workforce"])  # the difference figure
    _select(page, "Scenarios").locator(".v-input__slot").click()
    _menu_item(page, "next_workforce").click()            # deselect it
    expect(_legend(page)).to_have_text(["traditional"])
    _menu_item(page, "next_workforce").click()            # and choose it again
    page.keyboard.press("Escape")
    expect(_legend(page)).to_have_text(["traditional", "next_workforce"])
    _select(page, "Metric").locator(".v-input__slot").click()
    _menu_item(page, "cost_per_student").click()
    expect(page.locator(".js-plotly-plot").nth(0)).to_contain_text(
        "cost_per_student: mean and 95% CI")
    screenshot(page, "dashboard-results")


def test_a_folder_with_schools_shows_the_schools_card(page):
    page, url, _ = page
    page.goto(url)
    expect(_select(page, "Results folder")).to_contain_text("demo", timeout=LOAD)
    expect(page.locator(".nextwork-schools")).to_have_count(0)
    _select(page, "Results folder").locator(".v-input__slot").click()
    _menu_item(page, "shortages").click()
    schools = page.locator(".nextwork-schools")
    expect(schools).to_contain_text("Schools", timeout=LOAD)
    expect(schools.locator(".js-plotly-plot .legendtext")).to_have_text(
        ["csv_district_subjects", "csv_teams"])
    expect(schools.locator("table")).to_contain_text("Saguaro Middle")
    expect(page.locator(".nextwork-subjects .js-plotly-plot")).to_contain_text("mathematics")


def test_an_edited_scenario_runs_and_its_result_appears(page):
    page, url, _ = page
    page.goto(url)
    _go(page, "Scenario")
    class_size = page.get_by_label("Class size")
    expect(class_size).to_have_value("25", timeout=LOAD)
    class_size.fill("70")
    expect(page.locator(".nextwork-validation")).to_have_text(
        "dashboard: staffing.class_size = 70: Input should be less than or equal to 60 "
        "(allowed: 5 to 60 students)")
    class_size.fill("25")
    page.get_by_label("Collaboration time").fill("60")
    page.get_by_label("Scenario name").fill("less_collaboration")
    expect(page.locator(".nextwork-validation")).to_contain_text("less_collaboration: valid")
    expect(page.get_by_text("Changes from next_workforce: "
                            "staffing.collaboration_minutes_per_week=60")).to_be_visible()
    expect(page.get_by_text("Download config (TOML)")).to_be_visible()
    screenshot(page, "dashboard-scenario")

    _go(page, "Run")
    expect(page.get_by_text("Scenario: less_collaboration")).to_be_visible(timeout=LOAD)
    expect(page.get_by_text(re.compile(r"^20 simulated school-years"))).to_be_visible()
    _card_button(page, "Run").click()
    finished = page.locator(".nextwork-run-finished")
    expect(finished).to_contain_text("less_collaboration against traditional", timeout=RUN)
    expect(_legend(page)).to_have_text(["traditional", "less_collaboration"])
    expect(page.locator("table")).to_contain_text("attrition_rate")
    expect(page.get_by_text("Download results (zip)").last).to_be_visible()
    screenshot(page, "dashboard-run")

    _go(page, "Results")  # the finished run is now the folder shown
    expect(_select(page, "Results folder")).to_contain_text("dashboard/less_collaboration-vs-",
                                                            timeout=LOAD)
    expect(_legend(page)).to_have_text(["traditional", "less_collaboration"], timeout=LOAD)


def test_a_run_can_be_cancelled(page):
    page, url, _ = page
    page.goto(url)
    _go(page, "Run")
    _select(page, "District").locator(".v-input__slot").click(timeout=LOAD)
    _menu_item(page, "district").click()
    sliders = page.get_by_role("slider")
    sliders.nth(0).press("End")                        # 10 reported years
    sliders.nth(1).press("Home")
    for _ in range(4):                                 # 5 replications
        sliders.nth(1).press("ArrowRight")
    expect(page.get_by_text(re.compile(r"^2,400 simulated school-years"))).to_be_visible()
    _card_button(page, "Run").click()
    expect(page.get_by_text(re.compile(r"Running: \d+ of 120 simulated years"))).to_be_visible(
        timeout=RUN)
    _card_button(page, "Cancel").click()
    expect(page.get_by_text("Cancelled: nothing was written.")).to_be_visible(timeout=RUN)
    expect(_card_button(page, "Run")).to_be_enabled()
