"""A Keras model as a graph of leaf layers: who reads whom, with nested models flattened.

:func:`read_graph` walks the functional graph Keras records (the same walk Keras itself
runs to call a model) and returns a :class:`ModelGraph`: one :class:`GraphNode` per leaf
layer, in an order where every layer comes after the layers it reads. Models nested inside
models (an Applications backbone under a classification head, a Sequential block) are opened
up, so every node is a real layer. ``-1`` stands for the model's input.

What convviz cannot follow is refused with one sentence naming the layer: a layer called
twice (shared weights), a subclassed model (no recorded graph), a layer with several outputs.
"""

from __future__ import annotations

from dataclasses import dataclass

MODEL_INPUT = -1


@dataclass(frozen=True, eq=False)
class GraphNode:
    """One call of a leaf layer: the layer, where its inputs come from, how to call it."""

    index: int
    layer: object  # the Keras layer
    sources: tuple[int, ...]  # node index per input tensor (MODEL_INPUT for the model's input)
    arguments: object  # Keras' SymbolicArguments of the call (its args/kwargs template)
    tensor_ids: tuple[int, ...]  # id() of the recorded input tensors, in ``sources`` order
    output_shape: tuple  # without the batch axis

    @property
    def name(self) -> str:
        """The layer's name."""
        return self.layer.name

    @property
    def kind(self) -> str:
        """The layer's Keras class name."""
        return type(self.layer).__name__


@dataclass(frozen=True, eq=False)
class ModelGraph:
    """Every leaf layer of a model once, each after its inputs; ``output`` is the model's output node."""

    nodes: tuple[GraphNode, ...]
    input_shape: tuple
    output: int

    def consumers(self) -> dict[int, list[int]]:
        """For every node (and MODEL_INPUT), the nodes that read it."""
        readers: dict[int, list[int]] = {MODEL_INPUT: []}
        for node in self.nodes:
            readers.setdefault(node.index, [])
            for source in node.sources:
                readers.setdefault(source, []).append(node.index)
        return readers


class GraphError(ValueError):
    """The model has a construct the inspector cannot follow (the message names the layer)."""


def _functional_of(model):
    """The recorded graph (a Keras Function) of a functional or Sequential model, or None."""
    if type(model).__name__ == "Sequential" or hasattr(model, "_functional"):
        return getattr(model, "_functional", None)
    return model if hasattr(model, "_nodes_by_depth") else None


def _is_model(layer) -> bool:
    import keras

    return isinstance(layer, keras.Model)


class _Builder:
    """Collects leaf nodes while walking (possibly nested) functional graphs."""

    def __init__(self) -> None:
        self.nodes: list[GraphNode] = []
        self.seen: dict[int, str] = {}

    def walk(self, model, input_sources: list[int]) -> list[int]:
        """Add ``model``'s layers, its inputs fed by ``input_sources``; return its output sources."""
        graph = _functional_of(model)
        if graph is None:
            raise GraphError(f"{model.name} is a subclassed model: convviz can only follow models "
                             "built with the functional API or Sequential")
        if len(graph.inputs) != len(input_sources):
            raise GraphError(f"{model.name} takes {len(graph.inputs)} inputs; convviz follows "
                             "models with one image input")
        where = {id(x): source for x, source in zip(graph.inputs, input_sources)}
        for depth in sorted(graph._nodes_by_depth, reverse=True):
            for node in graph._nodes_by_depth[depth]:
                if node.operation is None or node.is_input:
                    continue
                self._add(node, where)
        missing = [x for x in graph.outputs if id(x) not in where]
        if missing:
            raise GraphError(f"{model.name}: an output is not connected to the input")
        return [where[id(x)] for x in graph.outputs]

    def _add(self, node, where: dict[int, int]) -> None:
        layer = node.operation
        tensors = list(node.arguments.keras_tensors)
        if any(id(x) not in where for x in tensors):
            return  # not reachable from this model's inputs (Keras skips it too)
        sources = [where[id(x)] for x in tensors]
        if _is_model(layer):
            outputs = self.walk(layer, sources)
        else:
            self._check_leaf(layer, node)
            index = len(self.nodes)
            self.nodes.append(GraphNode(index, layer, tuple(sources), node.arguments,
                                        tuple(id(x) for x in tensors), tuple(node.outputs[0].shape[1:])))
            outputs = [index]
        if len(outputs) != len(node.outputs):
            raise GraphError(f"{layer.name} has {len(node.outputs)} outputs; convviz follows "
                             "layers with one output")
        for tensor, source in zip(node.outputs, outputs):
            where[id(tensor)] = source

    def _check_leaf(self, layer, node) -> None:
        import keras

        if not isinstance(layer, keras.layers.Layer):
            raise GraphError(f"{getattr(layer, 'name', layer)} is a bare operation, not a layer: "
                             "convviz follows models made of Keras layers")
        if id(layer) in self.seen:
            raise GraphError(f"{layer.name} is called more than once (a shared layer): convviz "
                             "follows models where every layer is used once")
        if len(node.outputs) != 1:
            raise GraphError(f"{layer.name} has {len(node.outputs)} outputs; convviz follows "
                             "layers with one output")
        self.seen[id(layer)] = layer.name


def read_graph(model) -> ModelGraph:
    """Return the graph of leaf layers of a built functional or Sequential Keras ``model``.

    Raises :class:`GraphError` (a ValueError) naming the layer convviz cannot follow.
    """
    if not _is_model(model):
        raise GraphError(f"{getattr(model, 'name', model)} is not a Keras model")
    graph = _functional_of(model)
    if graph is None:
        raise GraphError(f"{model.name} is a subclassed model: convviz can only follow models "
                         "built with the functional API or Sequential")
    if len(graph.inputs) != 1 or len(graph.outputs) != 1:
        raise GraphError(f"{model.name} has {len(graph.inputs)} input(s) and {len(graph.outputs)} "
                         "output(s); convviz follows models with one input and one output")
    builder = _Builder()
    (output,) = builder.walk(model, [MODEL_INPUT])
    if output == MODEL_INPUT:
        raise GraphError(f"{model.name} has no layers between its input and its output")
    return ModelGraph(tuple(builder.nodes), tuple(graph.inputs[0].shape[1:]), output)


def run_graph(graph: ModelGraph, x, training: bool = False) -> list:
    """Call every node's layer on its real inputs (a batch ``x``); return every node's output.

    The same calls Keras makes when it runs the model, one per leaf layer.
    """
    values = {MODEL_INPUT: x}
    outputs = []
    for node in graph.nodes:
        tensors = {tensor_id: values[source] for tensor_id, source in zip(node.tensor_ids, node.sources)}
        args, kwargs = node.arguments.fill_in(tensors)
        kwargs = dict(kwargs)
        kwargs["training"] = training
        value = node.layer(*args, **kwargs)
        values[node.index] = value
        outputs.append(value)
    return outputs
