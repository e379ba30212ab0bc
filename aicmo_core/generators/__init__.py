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


@register_generator("template")
def _template_generator(settings: GeneratorSettings) -> Generator:
    """The ``template`` generator, imported on first use: its phrase data (YAML) is a tenth of the
    language server's start, and the first diagnostics do not need it."""
    from aicmo_core.generators.template import TemplateGenerator  # noqa: PLC0415 (lazy on purpose)

    return TemplateGenerator()


@register_generator("openai")
def _openai_generator(settings: GeneratorSettings) -> Generator:
    """The ``openai`` generator, imported on first use: the SDK takes about half a second to import,
    which every ``aicmo check`` and every language server start would pay."""
    from aicmo_core.generators.openai_generator import OpenAIGenerator  # noqa: PLC0415 (lazy on purpose)

    return OpenAIGenerator(settings)


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
