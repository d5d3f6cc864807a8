"""Dependencies point one way: the data package sits above the core and below nn."""

import subprocess
import sys


def loaded_modules_after(statement):
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_importing_the_data_package_does_not_load_nn_or_the_cli():
    modules = loaded_modules_after("import chainrule.data")
    assert "chainrule.data" in modules
    assert not {"chainrule.nn", "chainrule.cli"} & modules


def test_importing_chainrule_does_not_load_the_data_package():
    assert "chainrule.data" not in loaded_modules_after("import chainrule")
