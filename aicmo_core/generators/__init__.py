"""Generators write section bodies; importing this package registers the built-in ones."""

from aicmo_core.generators.base import (
    GENERATORS,
    Brief,
    Failure,
    Generation,
    GenerationError,
    GenerationRequest,
    Generator,
    GeneratorSettings,
    Mode,
    Neighbour,
    Reason,
    create_generator,
    register_generator,
)

__all__ = [
    "GENERATORS",
    "Brief",
    "Failure",
    "Generation",
    "GenerationError",
    "GenerationRequest",
    "Generator",
    "GeneratorSettings",
    "Mode",
    "Neighbour",
    "Reason",
    "create_generator",
    "register_generator",
]
