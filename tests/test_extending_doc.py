"""docs/extending.md cannot fall behind the code: its code blocks are the example files word
for word, its table of summer steps is the built-in summer in order, and every field of the
summer's context is described."""

import dataclasses
import re
from pathlib import Path

from nextwork_sim.components import BUILT_IN_STEPS, SummerContext

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "extending.md").read_text()


def test_every_code_block_is_its_example_file_word_for_word():
    blocks = re.findall(r"<!-- file: (\S+) -->\n```\w+\n(.*?)```", DOC, flags=re.S)
    assert {path for path, _ in blocks} == {
        "examples/extending/co_taught.py", "examples/extending/peer_observation.py",
        "examples/extending/early_career_metric.py", "examples/extending/tutorial.toml"}
    for path, code in blocks:
        assert code == (ROOT / path).read_text(), f"docs/extending.md: the block of {path} " \
                                                  "differs from the file"


def test_the_table_of_steps_is_the_built_in_summer_in_order():
    steps = re.findall(r"^\| `(\w+)` \| ", DOC.split("**Where it runs.**")[1], flags=re.M)
    assert tuple(steps[:len(BUILT_IN_STEPS)]) == BUILT_IN_STEPS


def test_every_field_of_the_summer_context_is_described():
    missing = [f.name for f in dataclasses.fields(SummerContext) if f"`{f.name}`" not in DOC
               and f"`context.{f.name}`" not in DOC]
    assert missing == []
