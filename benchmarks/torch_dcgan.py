"""The PyTorch eager side of `train_speed.py`: the same DCGAN, trained the usual PyTorch way.

Layer for layer the networks of `keras_gans.architectures.DCGAN(image_shape=(28, 28, 1),
latent_dim=100)` (Radford et al. 2016), in PyTorch's NCHW layout:

* generator: `Linear(100, 7*7*256, bias=False)` -> `(256, 7, 7)` -> BatchNorm -> ReLU ->
  `ConvTranspose2d(256, 128, 4, stride 2, padding 1, bias=False)` -> BatchNorm -> ReLU ->
  `ConvTranspose2d(128, 1, 4, stride 2, padding 1)` -> tanh;
* discriminator: `Conv2d(1, 64, 4, stride 2, padding 1)` -> LeakyReLU(0.2) ->
  `Conv2d(64, 128, 4, stride 2, padding 1)` -> BatchNorm -> LeakyReLU(0.2) -> flatten ->
  `Linear(7*7*128, 1)`.

Keras's `padding="same"` with a 4x4 kernel and stride 2 pads one row and column on each
side at these sizes (28 -> 14 -> 7), which is `padding=1`. The initialisation is Keras's:
Glorot-uniform weights (Glorot & Bengio 2010; PyTorch's `xavier_uniform_` computes the same
fans for these shapes), zero biases, and Keras's batch-norm settings (`epsilon=1e-3`, moving
averages with momentum 0.99, i.e. PyTorch `momentum=0.01`). Adam has Keras's `epsilon=1e-7`.

One step is Algorithm 1 of Goodfellow et al. (2014) with k = 1, as the other two sides: the
discriminator on a real batch and on `G(z)` (generated without a graph, `torch.no_grad()`,
which is what `fake.detach()` achieves without recording it), the non-saturating loss
(softplus form), one Adam step; then the generator on a fresh latent batch, with the
discriminator's parameters frozen (`requires_grad_(False)`) so that no gradients are
computed for them. Gradients are cleared with `zero_grad(set_to_none=True)`; the loop never
synchronises except to read the last loss. With a CUDA GPU visible to torch the side runs
there (networks, batches and latents on the device, as the TensorFlow sides run on theirs);
`device` says where.
"""

from __future__ import annotations

import time

LATENT_DIM = 100


def side_if_installed(keras_side, images, batch_size, seed, threads, learning_rate, beta_1):
    """A `TorchEagerSide` whose networks match `keras_side`'s, or `None` without torch."""
    try:
        import torch  # noqa: F401
    except ImportError:
        print("PyTorch eager side skipped: torch is not installed (pip install -e '.[bench]').")
        return None
    side = TorchEagerSide(images, batch_size, seed, threads, learning_rate, beta_1)
    check_parameter_counts(keras_side, side)
    return side


def build_networks(torch, seed):
    """The DCGAN generator and discriminator for 28x28x1 images, Keras-initialised."""
    nn = torch.nn
    torch.manual_seed(seed)

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.project = nn.Linear(LATENT_DIM, 7 * 7 * 256, bias=False)
            self.body = nn.Sequential(
                nn.BatchNorm2d(256, eps=1e-3, momentum=0.01),
                nn.ReLU(),
                nn.ConvTranspose2d(256, 128, 4, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(128, eps=1e-3, momentum=0.01),
                nn.ReLU(),
                nn.ConvTranspose2d(128, 1, 4, stride=2, padding=1),
                nn.Tanh(),
            )

        def forward(self, z):
            return self.body(self.project(z).view(-1, 256, 7, 7))

    discriminator = nn.Sequential(
        nn.Conv2d(1, 64, 4, stride=2, padding=1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, stride=2, padding=1),
        nn.BatchNorm2d(128, eps=1e-3, momentum=0.01),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(7 * 7 * 128, 1),
    )
    generator = Generator()
    for module in [*generator.modules(), *discriminator.modules()]:
        if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return generator, discriminator


def parameter_counts(torch, module):
    """`(trainable parameters, batch-norm moving statistics)` of a module."""
    trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    moving = sum(
        b.numel()
        for name, b in module.named_buffers()
        if name.endswith(("running_mean", "running_var"))
    )
    return trainable, moving


def check_parameter_counts(keras_side, torch_side):
    """Prints both sides' parameter counts; raises if a network differs in size."""
    import torch

    for name in ("generator", "discriminator"):
        network = getattr(keras_side, name)
        keras_counts = tuple(
            sum(int(v.numpy().size) for v in variables)
            for variables in (network.trainable_variables, network.non_trainable_variables)
        )
        torch_counts = parameter_counts(torch, getattr(torch_side, name))
        print(
            f"{name}: trainable parameters keras {keras_counts[0]:,}, torch "
            f"{torch_counts[0]:,}; batch-norm moving statistics keras {keras_counts[1]:,}, "
            f"torch {torch_counts[1]:,}"
        )
        if keras_counts != torch_counts:
            raise RuntimeError(f"The PyTorch {name} does not match the Keras one.")


class TorchEagerSide:
    """PyTorch eager training of the same DCGAN on the same images."""

    def __init__(self, images, batch_size, seed, threads, learning_rate, beta_1):
        import torch

        self.torch = torch
        torch.set_num_threads(threads)
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.generator, self.discriminator = build_networks(torch, seed)
        self.generator.to(self.device)
        self.discriminator.to(self.device)
        self.generator.train()
        self.discriminator.train()
        betas = (beta_1, 0.999)
        self.g_optimizer = torch.optim.Adam(
            self.generator.parameters(), lr=learning_rate, betas=betas, eps=1e-7
        )
        self.d_optimizer = torch.optim.Adam(
            self.discriminator.parameters(), lr=learning_rate, betas=betas, eps=1e-7
        )
        # The same images as the TF sides, NHWC -> NCHW, as ready batches (the TF sides
        # get theirs from a prefetching tf.data pipeline).
        batches = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous().to(self.device)
        self.batches = list(batches.split(batch_size))
        self.batch_size = batch_size
        self.cursor = 0

    def _step(self, real):
        torch, g, d = self.torch, self.generator, self.discriminator
        softplus = torch.nn.functional.softplus
        with torch.no_grad():
            fake = g(torch.randn(self.batch_size, LATENT_DIM, device=self.device))
        self.d_optimizer.zero_grad(set_to_none=True)
        d_loss = softplus(-d(real)).mean() + softplus(d(fake)).mean()
        d_loss.backward()
        self.d_optimizer.step()

        d.requires_grad_(False)
        self.g_optimizer.zero_grad(set_to_none=True)
        z = torch.randn(self.batch_size, LATENT_DIM, device=self.device)
        g_loss = softplus(-d(g(z))).mean()
        g_loss.backward()
        self.g_optimizer.step()
        d.requires_grad_(True)
        return g_loss.detach()

    def run(self, steps):
        """Returns (seconds, seconds, last g_loss)."""
        start = time.perf_counter()
        for _ in range(steps):
            real = self.batches[self.cursor]
            self.cursor = (self.cursor + 1) % len(self.batches)
            g_loss = self._step(real)
        g_loss = float(g_loss)
        total = time.perf_counter() - start
        return total, total, g_loss
