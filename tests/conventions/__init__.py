"""The convention cases of every public name of ``dlmath``, one module per facade.

Each module ``conventions.<facade>`` classifies every name of ``dlmath.<facade>.__all__`` that is
neither a demo (``*_demo``) nor a result class (a :class:`dlmath.results.DemoResult`), which are
recognised by themselves, into exactly one of:

``DATA_FUNCTIONS``
    name -> ``case(to_input)`` returning ``(args, kwargs)``: a function mapping data to data.
    ``to_input`` converts an array to what the caller passes (a NumPy array, or a tensor of a
    dtype on a device); the function must return NumPy for NumPy and a tensor on that device
    and of that dtype for a tensor (every array in its output).
``NETWORKS``
    name -> ``case()`` returning ``(module, x)``: an ``nn.Module`` (or a builder's module) and a
    NumPy batch it accepts; it must return a tensor for ``x``, the same for ``x`` as a tensor of
    the module's dtype, and reject a string and a tensor of the other precision with a
    ``TypeError`` naming the argument.
``OTHER``
    name -> why the name is neither (a constant, a builder checked in ``NETWORKS`` through its
    module, a function returning a scalar, ...).

``BAD_INPUTS`` lists ``(id, call, exception, match)``: a call with one bad argument, the
exception it must raise and a regular expression the message must match (the argument's
name); it covers the classes as well as the functions.
"""
