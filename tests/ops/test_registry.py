"""The registry and the op table stay in step: every primitive is declared whole and checked."""

import chainrule as cr  # noqa: F401  (importing chainrule declares every built-in primitive)
from chainrule.primitive import REGISTRY, Primitive
from tests.ops.optable import all_cases

# Declared by the engine itself rather than by an op family; covered by their own tests.
ENGINE_PRIMITIVES: set = set()


def test_every_differentiable_primitive_has_a_gradcheck_case():
    covered = {name for case in all_cases() for name in case.covers}
    missing = sorted(
        name for name, prim in REGISTRY.items()
        if prim.differentiable and name not in covered and name not in ENGINE_PRIMITIVES
        and prim.__module__.startswith("chainrule.")  # not the examples tests and docs declare
    )
    assert not missing, f"primitives with no op-table case: {missing}"


def test_every_primitive_declares_a_rule_per_input_and_names_its_inputs():
    for name, prim in REGISTRY.items():
        assert prim.inputs and all(isinstance(n, str) and n for n in prim.inputs), name
        if prim.differentiable:
            assert prim.jvps is not None and len(prim.vjps) == len(prim.jvps), name
            assert any(rule is not None for rule in prim.vjps), name
            for vjp_rule, jvp_rule in zip(prim.vjps, prim.jvps):
                assert (vjp_rule is None) == (jvp_rule is None), name
            assert len(prim.inputs) >= len(prim.vjps), name


def test_every_op_a_typed_formula_can_hold_has_a_symbolic_forward():
    # Formulas (chainrule diff, check) hold these ops; SymPy reads each by its declaration.
    from chainrule.explanation.formulas.expression import FUNCTIONS

    held = {f.name for f in FUNCTIONS.values() if isinstance(f, Primitive)}
    held |= {"add", "subtract", "multiply", "divide", "power", "negative", "where", "greater"}
    missing = sorted(name for name in held if REGISTRY[name].symbolic is None)
    assert not missing, f"ops with no symbolic forward: {missing}"


def test_op_table_names_only_declared_primitives():
    unknown = sorted({n for case in all_cases() for n in case.covers} - set(REGISTRY))
    assert not unknown, f"op-table cases name primitives that do not exist: {unknown}"
