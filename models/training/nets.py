"""The two CNNs: the shipped compact one and the larger reference.

Both end in global-average-pool + one linear unit, so the class-activation map is the
linear head applied at every feature cell (cam), and the logit is the mean of the cam.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(cin, cout, stride=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class CamNet(nn.Module):
    """features -> cam (1x1 linear head per cell) -> logit = mean(cam)."""

    def __init__(self, features, channels):
        super().__init__()
        self.features = features
        self.head = nn.Linear(channels, 1)

    def cam(self, x):
        f = self.features(x)
        w = self.head.weight.view(1, -1, 1, 1)
        cam = F.conv2d(f, w, self.head.bias)
        return cam.view(-1, cam.shape[2], cam.shape[3])

    def forward(self, x):
        f = self.features(x)
        return self.head(F.adaptive_avg_pool2d(f, 1).flatten(1)).squeeze(1)


def small_cnn():
    """About 0.4 M parameters, ~0.2 GFLOPs at 128 px; 8x8 cam."""
    features = nn.Sequential(
        conv_bn(3, 16, stride=2),      # 64
        conv_bn(16, 32),
        nn.MaxPool2d(2),               # 32
        conv_bn(32, 48),
        conv_bn(48, 48),
        nn.MaxPool2d(2),               # 16
        conv_bn(48, 96),
        conv_bn(96, 96),
        nn.MaxPool2d(2),               # 8
        conv_bn(96, 128),
        conv_bn(128, 128),
    )
    return CamNet(features, 128)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)), inplace=True)
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.short is None else self.short(x)), inplace=True)


def reference_cnn():
    """ResNet-18 widths (64-128-256-512), one basic block per stage: ~4.9 M parameters."""
    features = nn.Sequential(
        nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True),  # 64
        BasicBlock(32, 64, 2),    # 32
        BasicBlock(64, 128, 2),   # 16
        BasicBlock(128, 256, 2),  # 8
        BasicBlock(256, 512, 1),  # 8
    )
    return CamNet(features, 512)


class TypedCamNet(CamNet):
    """CamNet plus a tumour-type head (glioma / meningioma / pituitary) on the same pooled features."""

    def __init__(self, features, channels, types=3):
        super().__init__(features, channels)
        self.type_head = nn.Linear(channels, types)

    def both(self, x):
        f = self.features(x)
        pooled = F.adaptive_avg_pool2d(f, 1).flatten(1)
        return self.head(pooled).squeeze(1), self.type_head(pooled)

    def all_outputs(self, x):
        """(cam [N,h,w], type logits [N,3]) from one pass of the features."""
        f = self.features(x)
        w = self.head.weight.view(1, -1, 1, 1)
        cam = F.conv2d(f, w, self.head.bias)
        pooled = F.adaptive_avg_pool2d(f, 1).flatten(1)
        return cam.view(-1, cam.shape[2], cam.shape[3]), self.type_head(pooled)

    def forward(self, x):
        return self.both(x)[0]


def small_typed_cnn():
    """small_cnn's features with both heads (model v2)."""
    return TypedCamNet(small_cnn().features, 128)


ARCHITECTURES = {"small": small_cnn, "reference": reference_cnn, "small-typed": small_typed_cnn}


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def count_flops(model, size):
    """Multiply-adds x 2 of convolutions and linear layers for one image (BN/ReLU/pool ignored)."""
    total = [0]

    def conv_hook(m, inp, out):
        k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
        total[0] += 2 * out.numel() * k

    def linear_hook(m, inp, out):
        total[0] += 2 * m.in_features * m.out_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    model.train(was_training)
    for h in hooks:
        h.remove()
    return total[0]
