r"""
Rotation equivariance of p4 group convolutions
==============================================

Group convolutions for rotations by 90 degrees are exactly equivariant, and a network built from
them is exactly invariant.

A group convolution for the group :math:`p4` of translations and rotations by multiples of
:math:`90^\circ` produces feature maps indexed by a position and a rotation :math:`s \in \mathbb Z_4`;
rotating the input rotates every map and shifts :math:`s` cyclically, so a maximum over :math:`s`
and a symmetric pooling give an invariant network (:doc:`/book/part5/ch14_equivariance`). We check
this on :class:`dlmath.architectures.P4LiftingConv` and :class:`dlmath.architectures.P4GroupConv`,
with the action :func:`dlmath.architectures.p4_act`, and on :class:`dlmath.architectures.P4CNN`,
against an ordinary CNN.
"""

# %%
# An image without symmetry
# -------------------------
# A letter R drawn on a :math:`7 \times 5` grid and enlarged to a :math:`24 \times 24` image. No
# rotation by a multiple of :math:`90^\circ` maps it to itself.
import matplotlib.pyplot as plt
import numpy as np
import torch

from dlmath.architectures import P4CNN, P4GroupConv, P4LiftingConv, PlainCNN, p4_act, rotate90
from dlmath.plotting import use_book_style

use_book_style()
letter = np.array(
    [
        [1, 1, 1, 1, 0],
        [1, 0, 0, 0, 1],
        [1, 0, 0, 0, 1],
        [1, 1, 1, 1, 0],
        [1, 0, 1, 0, 0],
        [1, 0, 0, 1, 0],
        [1, 0, 0, 0, 1],
    ],
    dtype=float,
)
image = np.kron(np.pad(letter, ((0, 1), (1, 2))), np.ones((3, 3)))
x = torch.as_tensor(image)[None, None]  # shape (batch, channels, N, N) = (1, 1, 24, 24)

# %%
# Two p4 layers
# -------------
# The lifting layer maps an image to four orientation channels per output channel, shape
# ``(B, C, 4, N, N)``; the group convolution maps such feature maps to feature maps. With ReLU
# in between, :math:`\Phi(\rho(r)f) = r\cdot\Phi(f)` for every rotation :math:`r`, where
# :math:`\rho(r)` rotates the image (:func:`dlmath.architectures.rotate90`) and :math:`r\cdot F`
# is :func:`dlmath.architectures.p4_act`. A convolution with the same (unrotated) filters is not
# equivariant.
lift = P4LiftingConv(1, 6, kernel_size=5, dtype=torch.float64, seed=1)
gconv = P4GroupConv(6, 4, kernel_size=3, dtype=torch.float64, seed=2)


def phi(f):
    return torch.relu(gconv(torch.relu(lift(f))))


with torch.no_grad():
    F = phi(x)
    plain = torch.nn.functional.conv2d(x, lift.weight, padding=2)
    for k in (1, 2, 3):
        err = (phi(rotate90(x, k)) - p4_act(F, k)).norm() / F.norm()
        plain_rot = torch.nn.functional.conv2d(rotate90(x, k), lift.weight, padding=2)
        err_plain = (plain_rot - rotate90(plain, k)).norm() / plain.norm()
        print(f"rotation by {90 * k:3d} degrees: p4 layers {err:.1e}, plain convolution {err_plain:.2f}")

# %%
# Invariant networks
# ------------------
# :class:`dlmath.architectures.P4CNN` takes the maximum over the rotation index and averages over
# the orbits of the rotations; its outputs (here ten untrained logits) are the same for the four
# rotated images. :class:`dlmath.architectures.PlainCNN` with global average pooling is
# invariant to translations but not to rotations.
p4cnn = P4CNN(channels=(8, 8), image_size=24, dtype=torch.float64, seed=0)
cnn = PlainCNN(channels=(16, 16), dtype=torch.float64, seed=0)
batch = torch.cat([rotate90(x, k) for k in range(4)])
with torch.no_grad():
    for name, net in (("P4CNN", p4cnn), ("PlainCNN", cnn)):
        logits = net(batch)
        spread = (logits - logits[:1]).abs().max() / logits[0].abs().max()
        print(f"{name:8s}: largest relative change of the logits under rotations = {spread:.1e}")

# %%
# The figure
# ----------
# First row: the image and the four orientation channels :math:`s = 0, 1, 2, 3` of the first
# output channel of the lifting layer, i.e. the correlations of the image with the four rotated
# copies of one :math:`5 \times 5` filter. Second row: the same for the rotated image. Channel
# :math:`s` of the second row is channel :math:`s - 1` of the first, rotated.
images = (image, rotate90(image, 1))  # rotate90 acts on NumPy arrays as well as on tensors
with torch.no_grad():
    maps = [lift(torch.as_tensor(img)[None, None])[0, 0].numpy() for img in images]
vmax = np.abs(maps[0]).max()
fig, axes = plt.subplots(2, 5, figsize=(8.0, 3.5))
for row in range(2):
    axes[row, 0].imshow(images[row], cmap="gray_r")
    axes[row, 0].set_title("input" if row == 0 else "input rotated by $90^\\circ$", fontsize=8)
    for s in range(4):
        axes[row, s + 1].imshow(maps[row][s], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        axes[row, s + 1].set_title(f"orientation $s = {s}$", fontsize=8)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
plt.show()
