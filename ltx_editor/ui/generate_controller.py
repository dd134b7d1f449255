"""The generate panel's controller: the form's fields as Properties, backend readiness, cost, Generate."""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Property, QObject, QUrl, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.catalog import get_model
from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.safe_files import is_special
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation import backends as readiness
from ltx_editor.generation.generate_form import MODE_NAMES, Form, aspect_ratios
from ltx_editor.generation.request import GenerationRequest
from ltx_editor.generation.workflows import Recipe, WorkflowError

from .catalog_models import LoraModel, ModelsModel
from .preferences import Preferences

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
UI_MAX_SEED = 2**31 - 1  # QML ints are 32-bit signed


def _field(name: str, kind: type, notify: Signal, after: str | None = None, *, shape: bool = False):
    """A form field as a Property; `shape`: size/rate fields, whose change by hand stops following the project."""
    def fget(self: GenerateController):
        return getattr(self.form, name)

    def fset(self: GenerateController, value) -> None:
        if getattr(self.form, name) == value:
            return
        setattr(self.form, name, kind(value))
        if shape:
            self._follow = False
        if after:
            getattr(self, after)()
        self.changed.emit()

    return Property(kind, fget, fset, notify=notify)


def cost_text(request: GenerationRequest) -> str:
    if request.backend == "local":
        return "Free — runs on this machine"
    try:
        from ltx_editor.generation.cost import estimate
    except ImportError:  # the cloud extra's module is missing: say so rather than guess
        return "Cost unknown"
    usd = estimate(request)
    return "Price not published (billed by GPU time)" if usd is None else f"≈ ${usd:.2f} (estimate)"


@QmlElement
@QmlUncreatable("GenerateController is made by the app controller.")
class GenerateController(QObject):
    """`submit(request)` is the job queue's submit (it may raise, e.g. BudgetExceeded)."""

    changed = Signal()
    seedChanged = Signal()  # on its own after each Generate: `changed` re-evaluates the whole panel (~8 ms)
    backendsChanged = Signal()
    submitted = Signal(str)  # job id
    error = Signal(str, str)  # message, hint

    def __init__(self, preferences: Preferences, submit: Callable[[GenerationRequest], Any],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._prefs = preferences
        self._submit = submit
        self.form = Form(backend=preferences.values.default_backend)
        self._models = ModelsModel(self)
        self._loras = LoraModel(self)
        self._machine: Any = None  # the ModelsController: hardware + models on disk, for honest local readiness
        self._doc: Any = None  # the ProjectDocument whose size and rate are the defaults (follow_project)
        # Size and rate follow the project (True) until set by hand (False); None: a blank project whose
        # settings nobody chose yet (the panel keeps its own defaults until they are).
        self._follow: bool | None = None
        self._statuses = readiness.all_statuses(preferences.values.local_model_path)
        preferences.changed.connect(self.refreshBackends)
        preferences.keysChanged.connect(self.refreshBackends)
        self._loras.selectionChanged.connect(self.changed)
        self.changed.connect(self.seedChanged)  # a recipe or form change may bring another seed
        self._loras.scan(preferences.values.lora_dir)
        self._backend_changed()

    # -- the project's size and rate as defaults ------------------------------------------------------------
    def follow_project(self, document: Any) -> None:
        """Take the project's size and rate (rounded to what the model accepts) as the defaults, now when the
        project's settings were chosen, and whenever they change, until the person sets a size or rate."""
        self._doc = document
        document.projectReplaced.connect(self._on_project_replaced)
        document.edited.connect(self._on_edited)
        self._on_project_replaced()

    def _on_project_replaced(self) -> None:
        from ltx_editor.core.project import ProjectSettings

        self._follow = None
        if self._doc.project.settings != ProjectSettings():  # a blank project keeps the panel's own defaults
            self._follow = True
            self._take_project_shape()
        self.changed.emit()

    def _on_edited(self, changed: list) -> None:
        if "settings" in changed and self._follow is not False:
            self._follow = True
            self._take_project_shape()
            self.changed.emit()

    def _project_shape(self):
        from ltx_editor.core.generation_size import shape_for

        if self._doc is None:
            return None
        s = self._doc.project.settings
        return shape_for(s.width, s.height, s.fps, get_model(self.form.model_id))

    def _take_project_shape(self) -> None:
        shape = self._project_shape()
        if shape is not None:
            self.form.custom_size, self.form.width, self.form.height = True, shape.width, shape.height
            self.form.fps = shape.fps

    @Slot()
    def followProject(self) -> None:  # noqa: N802 (a QML slot)
        """Back to the project's size and rate (after they were set by hand)."""
        self._follow = True
        self._take_project_shape()
        self.changed.emit()

    def _project_note(self) -> str:
        shape = self._project_shape()
        if shape is None or self._follow is None:
            return ""
        return shape.note if self._follow else shape.note.split(" → ")[0].replace("Project size", "Project") \
            + " — the size above was set by hand"

    # -- reactions --------------------------------------------------------------------------------------
    def _status(self, backend: str) -> readiness.BackendStatus:
        return next(s for s in self._statuses if s.id == backend)

    def use_machine(self, machine: Any) -> None:
        """Judge local readiness with this machine's hardware and models (and again whenever they change)."""
        self._machine = machine
        machine.hardwareChanged.connect(self.refreshBackends)
        machine.modelsChanged.connect(self.refreshBackends)
        self.refreshBackends()

    def _local_context(self) -> dict | None:
        if self._machine is None:
            return None
        from ltx_editor.core.model_defaults import best_model

        model_id = self.form.model_id
        info = get_model(model_id) if model_id else None
        if info is None or "local" not in info.backends:  # judge what Local would run instead
            hw = self._machine.hardware
            local = best_model("local", GenerationMode(self.form.mode), hw.vram_gb if hw else None)
            model_id = local.id if local else model_id
        try:  # the form's size and steps, for the CPU time estimate
            s = self.form.settings()
            steps, work = s.steps, s.width * s.height * s.num_frames
        except (LtxEditorError, ValueError):
            steps = work = None
        return self._machine.local_context(model_id, self._cloud_offer(model_id), steps=steps, work=work)

    def _cloud_offer(self, model_id: str) -> tuple[str, str] | None:
        """The cloud backend that can run this request, with its price in words (the fix for "no GPU")."""
        from ltx_editor.core.model_defaults import best_model

        mode = GenerationMode(self.form.mode)
        for backend in ("fal", "replicate"):
            model = get_model(model_id) if model_id else None
            if model is None or not model.supports(backend, mode):
                model = best_model(backend, mode)
            if model is None:
                continue
            try:
                form = Form(**{**self.form.__dict__, "backend": backend, "model_id": model.id,
                               "prompt": self.form.prompt or "estimate"})
                price = cost_text(form.request())
            except (LtxEditorError, ValueError, TypeError):
                price = "price unknown"
            return backend, f"{readiness.NAMES[backend]} with {model.name} ({price})"
        return None

    @Slot(str)
    def applyFix(self, action: str) -> None:
        """Run the fix a not-ready backend offers (see generation/local_readiness.py for the actions)."""
        kind, _, arg = action.partition(":")
        if kind == "download" and self._machine is not None:
            self._machine.download(arg)
        elif kind == "model":
            self.modelId = arg
        elif kind == "backend":
            self.backend = arg
        elif kind == "allow-cpu":
            self._prefs.values.allow_cpu = True
            self._prefs.changed.emit()
        elif kind == "install-local" and self._machine is not None:
            self._machine.installLocal()  # pip in a child, progress in the model manager; no restart needed

    @Slot()
    def refreshBackends(self) -> None:
        self._statuses = readiness.all_statuses(self._prefs.values.local_model_path, context=self._local_context())
        if self._loras.folder != self._prefs.values.lora_dir:
            self._loras.scan(self._prefs.values.lora_dir)
        status = self._status(self.form.backend)
        self._models.show(self.form.backend, status.ready, status.reason)
        self.backendsChanged.emit()
        self.changed.emit()

    def _backend_changed(self) -> None:
        status = self._status(self.form.backend)
        self._models.show(self.form.backend, status.ready, status.reason)
        ids = [m.id for m in self._models.items]
        if self.form.model_id not in ids and ids:
            from ltx_editor.core.model_defaults import best_model  # this backend's best model for the mode

            hw = self._machine.hardware if self._machine is not None else None
            best = best_model(self.form.backend, GenerationMode(self.form.mode), hw.vram_gb if hw else None)
            self.form.model_id = best.id if best is not None and best.id in ids else ids[0]
            self._model_changed()
        self._mode_check()

    def _model_changed(self) -> None:
        model = get_model(self.form.model_id)
        self.form.steps, self.form.guidance = model.default_steps, model.default_guidance
        if self.form.fps not in model.fps_options:
            self.form.fps = model.fps_options[0]
        if self.form.resolution not in self.form.resolutions():
            self.form.resolution = self.form.resolutions()[-1]
        if self._follow and self._doc is not None:  # another model may take other sizes and rates
            self._take_project_shape()
        self._mode_check()
        self._rejudge_local()  # local readiness is about this model (downloaded? fits?)

    def _rejudge_local(self) -> None:
        """Judge the backends again: the model, size or steps changed (the CPU estimate, the cloud's price)."""
        if self._machine is not None:
            self._statuses = readiness.all_statuses(self._prefs.values.local_model_path,
                                                    context=self._local_context())
            self.backendsChanged.emit()

    def _mode_check(self) -> None:
        modes = [m.value for m in self.form.modes()]
        if self.form.mode not in modes and modes:
            self.form.mode = modes[0]

    # -- fields ----------------------------------------------------------------------------------------------
    backend = _field("backend", str, changed, "_backend_changed")
    modelId = _field("model_id", str, changed, "_model_changed")
    mode = _field("mode", str, changed)
    prompt = _field("prompt", str, changed)
    negativePrompt = _field("negative_prompt", str, changed)
    enhance = _field("enhance", bool, changed)
    resolution = _field("resolution", str, changed, "_rejudge_local", shape=True)
    aspectRatio = _field("aspect_ratio", str, changed, "_rejudge_local", shape=True)
    customSize = _field("custom_size", bool, changed, "_rejudge_local", shape=True)
    width = _field("width", int, changed, "_rejudge_local", shape=True)
    height = _field("height", int, changed, "_rejudge_local", shape=True)
    durationS = _field("duration_s", float, changed, "_rejudge_local")
    fps = _field("fps", float, changed, "_rejudge_local", shape=True)
    steps = _field("steps", int, changed, "_rejudge_local")
    preset = _field("preset", str, changed)  # "" | draft | standard | final (core/presets.py)
    multiscale = _field("multiscale", bool, changed)
    audio = _field("audio", bool, changed)
    modelHasAudio = Property(bool, lambda self: get_model(self.form.model_id).audio, notify=changed)
    guidance = _field("guidance", float, changed)
    seed = _field("seed", int, seedChanged)
    seedLocked = _field("seed_locked", bool, changed)
    sourceImage = _field("source_image", str, changed)
    sourceVideo = _field("source_video", str, changed)

    # -- derived, read-only ----------------------------------------------------------------------------------
    models = Property(ModelsModel, lambda self: self._models, constant=True)
    loras = Property(LoraModel, lambda self: self._loras, constant=True)
    backends = Property(list, lambda self: [s.as_dict() for s in self._statuses], notify=backendsChanged)
    modes = Property(list, lambda self: [{"id": m.value, "name": MODE_NAMES[m]} for m in self.form.modes()],
                     notify=changed)
    resolutions = Property(list, lambda self: self.form.resolutions(), notify=changed)
    aspectRatios = Property(list, lambda self: aspect_ratios(), constant=True)
    fpsOptions = Property(list, lambda self: list(get_model(self.form.model_id).fps_options), notify=changed)
    supportsLoras = Property(bool, lambda self: self.form.backend == "local", notify=changed)
    needsImage = Property(bool, lambda self: self.form.mode == GenerationMode.IMAGE_TO_VIDEO.value,
                          notify=changed)
    needsVideo = Property(bool, lambda self: self.form.mode in ("extend-forward", "extend-backward",
                                                                "video-to-video"), notify=changed)
    sourceImageUrl = Property(str, lambda self: QUrl.fromLocalFile(self.form.source_image).toString()
                              if self.form.source_image and not is_special(self.form.source_image) else "",
                              notify=changed)  # never a FIFO or device: Qt's Image would block on it

    def _problem(self) -> str:
        status = self._status(self.form.backend)
        if not status.ready:  # the status line above the form says why, with its fix
            return f"{status.name} is not ready (see above)." if status.fix else \
                f"{status.name} is not ready: {status.reason}."
        return self.form.problem()

    def _summary(self) -> str:
        try:
            s = self._request().settings
        except (LtxEditorError, ValueError):
            return ""
        return f"{s.width}×{s.height} · {s.num_frames} frames · {s.num_frames / s.fps:.1f} s"

    def _cost(self) -> str:
        try:
            return cost_text(self._request(prompt_required=False))
        except (LtxEditorError, ValueError):
            return ""

    problem = Property(str, _problem, notify=changed)
    projectNote = Property(str, _project_note, notify=changed)  # the project's size/rate and how it was rounded
    followsProject = Property(bool, lambda self: bool(self._follow) and self._doc is not None, notify=changed)
    canGenerate = Property(bool, lambda self: not self._problem(), notify=changed)
    summary = Property(str, _summary, notify=changed)
    costText = Property(str, _cost, notify=changed)

    # -- actions ---------------------------------------------------------------------------------------------
    def _machine_options(self) -> dict:
        """What the preferences and the LoRA list add to the form: the local model path, memory, LoRAs."""
        v = self._prefs.values
        return {"model_path": v.local_model_path or self._in_place_path() or None,
                "local_memory": {"fp8": v.fp8, "vae_tiling": v.vae_tiling, "cpu_offload": v.cpu_offload},
                "loras": self._loras.specs()}

    def _in_place_path(self) -> str | None:
        """The chosen model's file when the model manager found it in another tool's folder (a ComfyUI tree,
        loose weights): used where it is instead of downloading it again."""
        if self._machine is None or self.form.backend != "local":
            return None
        entry = self._machine.entries().get(self.form.model_id)
        return entry.path if entry is not None and entry.where in ("ComfyUI", "folder") else None

    def _request(self, prompt_required: bool = True) -> GenerationRequest:
        form = self.form
        if not prompt_required and not form.prompt.strip():
            form = replace(form, prompt="estimate")
        return form.request(**self._machine_options())

    def recipe(self) -> Recipe:
        """The panel's settings as a workflow recipe (pure: the form is not touched). Raises WorkflowError
        when the chosen backend is not ready, SettingsError when a field is out of range."""
        status = self._status(self.form.backend)
        if not status.ready:
            raise WorkflowError(f"{status.name} is not ready: {status.reason}.",
                                hint="Pick a ready backend in the generate panel, or fix it in Preferences.")
        return self.form.recipe(**self._machine_options())

    @Slot(result=str)
    def generate(self) -> str:
        """Queue the job; returns its id ("" when refused, with `error` emitted in words)."""
        problem = self._problem()
        if problem:
            self.error.emit("Cannot generate yet.", problem)
            return ""
        try:
            job = self._submit(self._request())
        except LtxEditorError as exc:
            self.error.emit(exc.message, exc.hint)
            return ""
        except ValueError as exc:  # pydantic's request validation (e.g. a condition past the last frame)
            self.error.emit("These settings cannot be generated.", str(exc).splitlines()[-1])
            return ""
        if not self.form.seed_locked:
            self.form.seed = random.randint(0, UI_MAX_SEED)
            self.seedChanged.emit()
        self.submitted.emit(job.id)
        return job.id

    @Slot()
    def randomizeSeed(self) -> None:
        self.seed = random.randint(0, UI_MAX_SEED)

    @Slot(str)
    def chooseSourceImage(self, url_or_path: str) -> None:
        """From the panel's file dialog (a file:// URL) or a plain path."""
        url = QUrl(url_or_path)
        self.use_source_image(url.toLocalFile() if url.isLocalFile() else url_or_path)

    def use_source_image(self, path: str) -> None:
        self.form.source_image = path
        if GenerationMode.IMAGE_TO_VIDEO in self.form.modes():
            self.form.mode = GenerationMode.IMAGE_TO_VIDEO.value
        self.changed.emit()

    def use_source_video(self, path: str, mode: GenerationMode = GenerationMode.EXTEND_FORWARD) -> None:
        self.form.source_video = path
        if mode in self.form.modes():
            self.form.mode = mode.value
        self.changed.emit()
