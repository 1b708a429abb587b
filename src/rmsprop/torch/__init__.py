"""RMSprop for PyTorch: :class:`~rmsprop.torch.RMSprop`, a drop-in ``torch.optim.RMSprop`` whose step is this project's rule, fused.

Install with ``pip install rmsprop[torch]``; ``import rmsprop`` never imports PyTorch,
``import rmsprop.torch`` does. ::

    import rmsprop.torch

    opt = rmsprop.torch.RMSprop(model.parameters(), lr=1e-3)   # torch.optim.RMSprop's arguments
    loss.backward(); opt.step(); opt.zero_grad()

Its ``state_dict()`` is ``torch.optim.RMSprop``'s, so a checkpoint moves between the two
classes both ways. On CPU every parameter of one dtype steps in one call of the fused
kernel (:mod:`rmsprop._compiled.list_kernel`) on the tensors' own memory; on CUDA one
launch per dtype of the Triton kernel of ``rmsprop.torch._cuda``. Both are the one rule of
:func:`rmsprop.rule.step.make_step`, compiled.

``flavor=`` reads PyTorch's arguments as another flavor of :mod:`rmsprop.compat`:

=================  ==================================================================
flavor             what it changes (the numbers stay the ones given)
=================  ==================================================================
``"torch"``        nothing: PyTorch's form and arithmetic (the default)
``"seed"``         eps inside the root, ``sqrt(e + eps)``: the seed document's rule
``"keras"``        eps inside; lr inside momentum; decoupled weight decay; lr in float32
``"optax"``        eps inside; lr inside momentum; Optax's arithmetic
``"tf1"``          eps inside; the average of squares starts at 1; lr inside momentum
``"jax_example"``  eps inside; lr inside momentum
``"lasagne"``      eps inside
``"caffe"``        eps outside, plain arithmetic (coupled weight decay)
``"graves"``       eps inside; always centered; lr inside momentum (Graves 2013)
=================  ==================================================================

``alpha`` is the flavor's decay, ``eps`` its eps, ``lr`` its learning rate; a flavor takes
``weight_decay``, ``momentum`` and ``centered`` where its :mod:`rmsprop.compat`
constructor has them (:mod:`rmsprop.torch._flavors` has the mapping).
"""

from ._optimizer import RMSprop

__all__ = ["RMSprop"]
