"""An explanation's renders: JSON in the documented schema, HTML tables, Markdown tables."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr

DOCS = Path(__file__).resolve().parents[2] / "docs" / "explain.md"


def documented_schema():
    blocks = re.findall(r"```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    return json.loads(blocks[-1])


SCHEMA = documented_schema()


def check(value, schema, path="$"):
    """Validate against the schema keywords docs/explain.md uses; return the problems found."""
    if "$ref" in schema:
        return check(value, SCHEMA["$defs"][schema["$ref"].split("/")[-1]], path)
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not check(value, s, path)]
        return [] if len(matching) == 1 else [f"{path}: matches {len(matching)} of oneOf"]
    problems = []
    if "const" in schema and value != schema["const"]:
        problems.append(f"{path}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if "type" in schema and not any(is_type(value, t) for t in as_list(schema["type"])):
        return problems + [f"{path}: {value!r} is not of type {schema['type']}"]
    if isinstance(value, dict):
        problems += [
            f"{path}: no {key!r}" for key in schema.get("required", ()) if key not in value
        ]
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problems += check(value[key], sub, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for k, item in enumerate(value):
            problems += check(item, schema["items"], f"{path}[{k}]")
    return problems


def as_list(types):
    return types if isinstance(types, list) else [types]


def is_type(value, name):
    kinds = {"object": dict, "array": list, "string": str, "null": type(None), "boolean": bool}
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, kinds[name])


def g(t):
    return t, t**2, t**3


def f(x, y, z):
    return x**2 + 5 * y + 10 * z + x * y * z


EXAMPLES = {
    "sigmoid": lambda: cr.explain("1/(1+exp(-x))", 0.5, mode="both"),
    "weather-chain": lambda: cr.explain([g, f], 2.0, mode="both"),
    "arrays": lambda: cr.explain(
        lambda x, w: cr.tanh(w @ x), np.ones(2), np.arange(6.0).reshape(3, 2), mode="both", wrt="x"
    ),
    "direction": lambda: cr.explain("x*y", 1.0, 2.0, mode="forward", direction=(1.0, 1.0)),
    "nan": lambda: cr.explain("log(x)", -1.0),
    "large": lambda: cr.explain(lambda x: x * 2, np.ones(200)),
    "rows": lambda: cr.explain(lambda x: cr.sin(x) * 2, np.array([0.1, 0.2, 0.3])),
    "cotangent": lambda: cr.explain(lambda x: x * 2, np.ones(6), cotangent=np.arange(6.0)),
    "bias": lambda: cr.explain(
        lambda w, b: cr.mean(cr.tanh(np.ones((4, 3)) @ w + b)), np.ones((3, 2)), np.zeros(2),
        mode="both",
    ),
}


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
@pytest.mark.parametrize("name", EXAMPLES)
def test_json_follows_the_documented_schema(name):
    data = json.loads(EXAMPLES[name]().to_json())
    assert check(data, SCHEMA) == []
    assert (data["schema"], data["version"]) == ("chainrule.explanation", 1)


def test_schema_checker_finds_a_missing_key_and_a_wrong_type():
    data = json.loads(EXAMPLES["sigmoid"]().to_json())
    del data["steps"][1]["expression"]
    data["mode"] = "sideways"
    assert check(data, SCHEMA) == [
        "$.mode: 'sideways' is not one of ['reverse', 'forward', 'both']",
        "$.steps[1]: no 'expression'",
    ]


def test_json_validates_with_jsonschema_when_installed():
    jsonschema = pytest.importorskip("jsonschema")
    for name in ("sigmoid", "weather-chain", "arrays", "rows", "cotangent", "bias"):
        jsonschema.validate(json.loads(EXAMPLES[name]().to_json()), SCHEMA)


def test_to_dict_is_a_copy_and_to_json_keeps_numbers_exact():
    explanation = EXAMPLES["sigmoid"]()
    explanation.to_dict()["steps"].clear()
    assert len(explanation.to_dict()["steps"]) == 5
    assert json.loads(explanation.to_json())["steps"][2]["value"] == float(np.exp(-0.5))


def test_too_large_jacobian_is_described_by_its_shape():
    data = EXAMPLES["large"]().to_dict()
    assert data["jacobian"]["factors"][0] == {
        "name": "Df(x)",
        "layer": "f",
        "shape": [200, 200],
        "value": None,
    }


def test_html_is_tables_and_jupyter_shows_the_explorer_page():
    explanation = EXAMPLES["sigmoid"]()
    page = explanation.html()
    assert page.startswith('<div class="chainrule-explanation">\n<table>\n<caption>1/(1+exp(-x))')
    assert page.count("<table>") == 4
    assert "<tr><td>v5</td><td>1 / v4</td><td>0.622459</td><td>∂v5/∂v4 = -1/v4**2</td></tr>" in page
    assert '<tr><td colspan="5">v̄5 = 1 (seed)</td></tr>' in page
    # Jupyter shows the interactive page (tests/explore), which carries these tables too.
    assert explanation._repr_html_().startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')


def test_html_escapes_what_it_shows():
    page = cr.explain(lambda x: cr.relu(x), 0.0).html()
    assert "<td>∂v2/∂v1 = [v1 &gt; 0]</td>" in page


def test_markdown_is_pipe_tables_with_escaped_formulas():
    text = EXAMPLES["sigmoid"]().markdown()
    assert text.startswith("**1/(1+exp(-x)) at x = 0.5: primal trace (Wengert list)**\n\n")
    assert "| v5 | 1 / v4 | 0.622459 | ∂v5/∂v4 = -1/v4\\*\\*2 |" in text
    assert "| v̄5 = 1 (seed) |  |  |  |  |" in text


def test_str_is_the_text_and_repr_names_the_function():
    explanation = EXAMPLES["sigmoid"]()
    assert str(explanation) == explanation.text()
    assert repr(explanation) == "<Explanation of 1/(1+exp(-x)) (5 values, both)>"


def test_digits_set_the_precision_of_the_text():
    assert "  v3   exp(v2)     0.60653066" in EXAMPLES["sigmoid"]().text(digits=8)
