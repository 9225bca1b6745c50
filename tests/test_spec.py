import pytest

from zoo import ArchitectureSpec, HParam, HyperparameterError, PluginError


def _builder(input_spec, **hparams):
    return None


def make_spec(**changes):
    values = {
        "name": "toy",
        "builder": _builder,
        "description": "a toy",
        "hparams": {"units": HParam(8, "units", 1), "dropout": 0.1, "bidirectional": False},
    }
    values.update(changes)
    return ArchitectureSpec(**values)


def test_plain_defaults_become_typed_hparams():
    spec = make_spec()
    assert spec.hparams["dropout"].type is float
    assert spec.defaults == {"units": 8, "dropout": 0.1, "bidirectional": False}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"units": "16"}, {"units": 16}),
        ({"dropout": 1}, {"dropout": 1.0}),
        ({"dropout": "0.5"}, {"dropout": 0.5}),
        ({"bidirectional": "yes"}, {"bidirectional": True}),
    ],
)
def test_resolve_coerces_text_and_numbers(overrides, expected):
    resolved = make_spec().resolve(overrides)
    for key, value in expected.items():
        assert resolved[key] == value and type(resolved[key]) is type(value)


def test_unknown_hparam_lists_valid_ones_and_suggests():
    with pytest.raises(HyperparameterError) as info:
        make_spec().resolve({"unitz": 3})
    message = str(info.value)
    assert "did you mean units" in message
    assert "units: int" in message and "dropout: float" in message


@pytest.mark.parametrize("value", ["many", 2.5, True])
def test_ill_typed_int_is_refused(value):
    with pytest.raises(HyperparameterError, match="'units' must be int"):
        make_spec().resolve({"units": value})


def test_bounds_are_checked():
    with pytest.raises(HyperparameterError, match=r"must be in \[1, any\]"):
        make_spec().resolve({"units": 0})


@pytest.mark.parametrize("name", ["Toy", "1toy", "toy-net", ""])
def test_invalid_names_are_refused(name):
    with pytest.raises(PluginError, match="invalid architecture name"):
        make_spec(name=name)


def test_builder_must_be_callable():
    with pytest.raises(PluginError, match="builder is not callable"):
        make_spec(builder=42)


def test_a_default_outside_its_own_bounds_is_refused_at_registration():
    with pytest.raises(PluginError, match=r"'toy': the default of hyperparameter 'units' must be"):
        make_spec(hparams={"units": HParam(0, "units", minimum=1)})
    with pytest.raises(PluginError, match="must be one of a, b"):
        make_spec(hparams={"mode": HParam("c", choices=("a", "b"))})


def test_an_explicit_type_catches_a_float_written_for_an_int():
    with pytest.raises(PluginError, match=r"the default of 'units' must be int, got 64\.0"):
        make_spec(hparams={"units": HParam(64.0, type=int)})
    rate = make_spec(hparams={"rate": HParam(1, type=float)}).hparams["rate"]
    assert rate.type is float and rate.default == 1.0 and type(rate.default) is float
    assert HParam(64.0).type is float  # without type=, the default's type


def test_the_builder_must_take_every_declared_hyperparameter():
    def build(input_spec, *, units):
        return None

    with pytest.raises(PluginError, match="its builder takes no 'dropout' parameter"):
        make_spec(builder=build, hparams={"units": 8, "dropout": 0.1})

    def needs_more(input_spec, *, units, width):
        return None

    with pytest.raises(PluginError, match="its builder requires 'width'"):
        make_spec(builder=needs_more, hparams={"units": 8})
    assert make_spec(builder=build, hparams={"units": 8}).defaults == {"units": 8}
