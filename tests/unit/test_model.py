import pytest
import torch

from compress.model import Architecture, MyConvNet, layer_table


def test_forward_gives_one_logit_per_class():
    model = MyConvNet(Architecture(conv_channels=(4, 8), fc_hidden=(16,)))
    assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)


def test_cifar_shaped_network_accepts_32x32x3():
    model = MyConvNet(Architecture(in_channels=3, image_size=32, conv_channels=(4, 8, 8), fc_hidden=()))
    assert model(torch.zeros(2, 3, 32, 32)).shape == (2, 10)


def test_layer_table_counts_match_torch_parameters():
    arch = Architecture(conv_channels=(5, 7), fc_hidden=(11,))
    model = MyConvNet(arch)
    table = layer_table(arch)
    assert sum(row["params"] for row in table) == sum(p.numel() for p in model.parameters())
    assert table[0]["macs"] == 5 * 1 * 9 * 28 * 28
    assert [row["layer"] for row in table] == [name for name, _ in model.layers()]


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"conv_channels": (0, 8)}, "conv_channels[0]=0"),
        ({"conv_channels": ()}, "1..4 entries"),
        ({"image_size": 30, "conv_channels": (4, 4)}, "divisible by 4"),
        ({"fc_hidden": (-1,)}, "fc_hidden[0]=-1"),
        ({"in_channels": 0}, "in_channels=0"),
    ],
    ids=["zero-width", "no-conv", "indivisible-size", "negative-fc", "zero-input"],
)
def test_bad_architecture_is_refused(kwargs, fragment):
    with pytest.raises(ValueError) as info:
        Architecture(**kwargs)
    assert fragment in str(info.value)


def test_eval_forward_equals_the_training_forward_bit_for_bit():
    torch.manual_seed(0)
    model = MyConvNet(Architecture(conv_channels=(4, 8), fc_hidden=(16,)))
    x = torch.rand(5, 1, 28, 28)
    with torch.no_grad():
        model.train()
        expected = model(x)
        model.eval()
        assert torch.equal(model(x), expected)
