"""Server-rendered SVG charts: the axis, the bars, escaped text, and empty values drawing nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reports.charts import BarChart, axis_top, svg

NS = "{http://www.w3.org/2000/svg}"


def test_the_axis_top_is_a_round_number_above_the_largest_value() -> None:
    assert axis_top([3.0, 7.0], None) == 10
    assert axis_top([12.0], None) == 20
    assert axis_top([120.0, None], None) == 200
    assert axis_top([0.4], None) == 0.5
    assert axis_top([None, 0.0], None) == 1.0
    assert axis_top([30.0], 100.0) == 100.0


def test_bars_are_as_tall_as_their_share_of_the_axis_and_none_draws_no_bar() -> None:
    chart = BarChart("Service level <by hour>", ["09", "10", "11"], [100.0, None, 50.0], "%", 100.0)
    root = ET.fromstring(svg(chart))  # well-formed XML, text escaped
    bars = root.findall(f"{NS}rect")
    assert len(bars) == 2
    heights = [float(bar.get("height", "0")) for bar in bars]
    assert heights[0] == 2 * heights[1]
    assert bars[1].find(f"{NS}title").text == "11: 50%"  # type: ignore[union-attr]
    assert root.find(f"{NS}title").text == "Service level <by hour>"  # type: ignore[union-attr]
    assert "style=" not in svg(chart)  # presentation attributes only: the console's CSP refuses inline styles


def test_a_chart_without_labels_says_no_data() -> None:
    root = ET.fromstring(svg(BarChart("Agent occupancy", [], [])))
    assert any(t.text == "no data" for t in root.iter(f"{NS}text"))
