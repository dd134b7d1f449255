"""Retake a range of a timeline clip, fill a gap between clips: plan, show what it costs, queue.

Planning is core (retake_plan, gap_plan), requests and landing are generation (retake, the JobIntake's
WorkflowRunner): a retake lands as a new take of the clip, a gap fill as a clip in the gap, each one undo
step. The generate panel gives the recipe (backend, model, quality); the prompt is the person's, else the panel's.
With a cloud backend a retake runs on the service's retake endpoint (LTX-2 Pro/Fast on fal: fal-ai/ltx-2/
retake-video; LTX-2 Pro on Replicate: lightricks/ltx-2-retake), its price shown before anything is uploaded;
gap fill runs locally. On LTX-2.x a retake redoes the video, the audio or both (`sound`: generation/retake.py
locally, the services' retake mode in the cloud). N takes of a range (seeds or a sweep over one setting) are
one batch, its total cost shown first. The gap fill's prompt can be suggested by the prompt enhancer from the
neighbours' recipes (gap_prompt.py), off the GUI thread.
Every slot returns False and emits `error` when it refuses, leaving the project as it was.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.catalog import get_model
from ltx_editor.core.gap_plan import GapPlan, plan_gap
from ltx_editor.core.retake_plan import RetakeError, RetakePlan, plan_retake
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.cloud.fal_retake import RETAKE_ENDPOINTS, check_cloud_retake, retake_cloud_request
from ltx_editor.generation.retake import check_sound, gap_request, retake_requests
from ltx_editor.generation.takes_batch import parse_values, take_recipes
from ltx_editor.generation.workflows import Recipe, check_supported, estimate_requests

from .a2v_controller import AudioToVideoController
from .document import ProjectDocument
from .gap_suggest import GapPromptSuggester
from .generate_controller import GenerateController
from .ic_controller import InContextController
from .job_intake import JobIntake
from .refusals import Refusal, refuse, words

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@QmlElement
@QmlUncreatable("RetakeController is made by the app controller.")
class RetakeController(QObject):
    error = Signal(str, str)  # message, hint
    queued = Signal(list)  # job ids just queued

    def __init__(self, document: ProjectDocument, generate: GenerateController, intake: JobIntake,
                 parent: QObject | None = None, *, enhancer=None) -> None:
        """enhancer() gives the PromptEnhancer or None when enhancement is off (read when asked)."""
        super().__init__(parent)
        self._doc, self._generate, self._intake = document, generate, intake
        self._suggest = GapPromptSuggester(document, enhancer, self)
        self._a2v = AudioToVideoController(document, generate, intake, self)
        self._a2v.error.connect(self.error)  # its refusals reach the app like the retake's
        self._ic = InContextController(document, generate, intake, self)
        self._ic.error.connect(self.error)

    # The timeline's RetakePopup also generates a picture for a sound's range and one controlled by a clip
    # (IC-LoRA reference): same popup, same recipe.
    audioToVideo = Property(AudioToVideoController, lambda self: self._a2v, constant=True)
    inContext = Property(InContextController, lambda self: self._ic, constant=True)
    # The gap fill's "Suggest" (a prompt from the neighbours' recipes through the prompt enhancer).
    gapPrompt = Property(GapPromptSuggester, lambda self: self._suggest, constant=True)

    def _recipe(self, cloud_ok: bool = False) -> Recipe:
        recipe = self._generate.recipe()
        model = get_model(recipe.settings.model_id)
        if recipe.backend != "local":
            if not cloud_ok:
                raise RetakeError("Gap fill runs on a local model.", hint="Choose the local backend in the "
                                                                          "generate panel.")
            endpoint = model.endpoint(recipe.backend, GenerationMode.VIDEO_TO_VIDEO)
            if endpoint is None or endpoint.endpoint not in RETAKE_ENDPOINTS:
                raise RetakeError(f"{model.name} has no retake on {recipe.backend}.",
                                  hint="Retake in the cloud with LTX-2 Pro or Fast on fal.ai, or LTX-2 Pro on "
                                       "Replicate; or choose the local backend.")
            return recipe
        if not model.supports("local", GenerationMode.KEYFRAMES):
            raise RetakeError(f"{model.name} cannot condition on frames around a range.",
                              hint="Choose another model in the generate panel.")
        return recipe

    def _family(self, recipe: Recipe) -> str:
        return get_model(recipe.settings.model_id).family

    def _retake_plan(self, clip_id: str, start: int, end: int, recipe: Recipe) -> RetakePlan:
        return plan_retake(self._doc.project, clip_id, start, end, family=self._family(recipe),
                           max_frames=recipe.max_frames)

    def _gap_plan(self, track_id: str, frame: int, recipe: Recipe) -> GapPlan:
        return plan_gap(self._doc.project, track_id, frame, family=self._family(recipe), max_frames=recipe.max_frames)

    def _with_sound(self, plan: RetakePlan, sound: str, family: str) -> RetakePlan:
        take = self._doc.project.asset(plan.asset_id).take(plan.take_id)
        check_sound(sound, family, take.has_audio)
        return replace(plan, sound=sound)

    def _retake_batch(self, clip_id: str, start: int, end: int, prompt: str, takes: int, setting: str = "seed",
                      values: str = "", sound: str = "video"):
        """The plan, one recipe per take (seeds base, base + 1, ..., or `values` of `setting`: takes_batch) and
        their requests, all checked. `sound`: what an LTX-2.x retake redoes (video, audio or both)."""
        recipe = self._recipe(cloud_ok=True)
        recipes = take_recipes(recipe, takes, setting=setting, values=parse_values(values, setting))
        if recipe.backend != "local":  # the service retakes the whole clip's range itself: no context frames
            plan = plan_retake(self._doc.project, clip_id, start, end, family="ltx-2", max_frames=1_000_000)
            plan = self._with_sound(plan, sound, "ltx-2")
            requests = [retake_cloud_request(plan, self._doc.working_path, prompt or r.prompt, r.settings.model_id,
                                             r.backend, r.settings) for r in recipes]
            for request in requests:
                check_cloud_retake(request)  # a range the service cannot take is refused before any upload
            return plan, recipes, requests
        plan = self._with_sound(self._retake_plan(clip_id, start, end, recipe), sound, self._family(recipe))
        requests = retake_requests(plan, self._doc.project, self._doc.working_path, recipes,
                                   self._intake.conditions_dir(), prompt)
        check_supported(requests)
        return plan, recipes, requests

    @staticmethod
    def _where(request) -> str:
        if request.backend == "local":
            return "locally"
        name = get_model(request.settings.model_id).endpoint(request.backend, request.mode).endpoint
        return f"on {'fal.ai' if request.backend == 'fal' else 'Replicate'} ({name})"

    @Slot(str, int, int, result="QVariantMap")
    def retakePreview(self, clipId: str, startFrame: int, endFrame: int) -> dict:
        """What retakeRange would do: frames regenerated and generated, the cost (before anything is queued)."""
        return self.retakeTakesPreview(clipId, startFrame, endFrame, 1)

    @Slot(str, int, int, int, result="QVariantMap")
    def retakeTakesPreview(self, clipId: str, startFrame: int, endFrame: int, takes: int) -> dict:
        """The same for `takes` takes of the range: the batch's total cost first."""
        return self.retakeSweepPreview(clipId, startFrame, endFrame, takes, "seed", "")

    @Slot(str, int, int, int, str, str, result="QVariantMap")
    def retakeSweepPreview(self, clipId: str, startFrame: int, endFrame: int, takes: int, setting: str,
                           values: str) -> dict:
        """The same for takes sweeping one setting (`values` comma-separated; "" with seed: base, base + 1...)."""
        return self.retakeBatchPreview(clipId, startFrame, endFrame, takes, setting, values, "video")

    @Slot(str, int, int, int, str, str, str, result="QVariantMap")
    def retakeBatchPreview(self, clipId: str, startFrame: int, endFrame: int, takes: int, setting: str,
                           values: str, sound: str) -> dict:
        """The same, redoing `sound` ("video", "audio" or "both"; the last two on LTX-2.x)."""
        try:
            plan, _, requests = self._retake_batch(clipId, startFrame, endFrame, "", takes, setting, values, sound)
            estimate = estimate_requests(requests)
        except Refusal as exc:
            message, hint = words(exc)
            return {"ok": False, "problem": message, "hint": hint}
        cloud = requests[0].backend != "local"
        return {"ok": True, "problem": "", "hint": "", "estimate": estimate.text, "frames": plan.end - plan.start,
                "generated": plan.source_frames if cloud else plan.num_frames, "takes": takes,
                "gap": plan.joins()[0], "repeat": plan.joins()[1], "where": self._where(requests[0]),
                "sound": sound}

    @Slot(result=bool)
    def soundRetakes(self) -> bool:
        """True when the generate panel's model makes sound (LTX-2.x): the popup offers video, audio or both."""
        return get_model(self._generate.recipe().settings.model_id).family == "ltx-2"

    @Slot(str, int, int, str, result=bool)
    def retakeRange(self, clipId: str, startFrame: int, endFrame: int, prompt: str) -> bool:
        """Regenerate timeline frames [startFrame, endFrame) of a clip, conditioned on the frames around them;
        it lands as a new take of the clip."""
        return self.retakeTakes(clipId, startFrame, endFrame, prompt, 1)

    @Slot(str, int, int, str, int, result=bool)
    def retakeTakes(self, clipId: str, startFrame: int, endFrame: int, prompt: str, takes: int) -> bool:
        """`takes` retakes of the range with different seeds, queued as one batch; each lands as a new take of
        the clip (the takes switcher compares them)."""
        return self.retakeSweep(clipId, startFrame, endFrame, prompt, takes, "seed", "")

    @Slot(str, int, int, str, int, str, str, result=bool)
    def retakeSweep(self, clipId: str, startFrame: int, endFrame: int, prompt: str, takes: int, setting: str,
                    values: str) -> bool:
        """`takes` retakes of the range sweeping one setting (or seeds), queued as one batch."""
        return self.retakeBatch(clipId, startFrame, endFrame, prompt, takes, setting, values, "video")

    @Slot(str, int, int, str, int, str, str, str, result=bool)
    def retakeBatch(self, clipId: str, startFrame: int, endFrame: int, prompt: str, takes: int, setting: str,
                    values: str, sound: str) -> bool:
        """The same, redoing `sound`: "video" (the clip keeps its sound), "audio" (it keeps its picture) or
        "both"; each take lands as a new take of the clip."""
        try:
            plan, recipes, requests = self._retake_batch(clipId, startFrame, endFrame, prompt, takes, setting, values,
                                                         sound)
            if requests[0].backend != "local":
                runs = [self._intake.runner.start_cloud_retake(plan, r) for r in requests]
            else:
                runs = [self._intake.runner.start_retake(plan, r, prompt or r.prompt) for r in recipes]
        except Refusal as exc:
            return refuse(self.error, exc)
        self.queued.emit([r.job_id for r in runs])
        return True

    @Slot(str, int, result="QVariantMap")
    def gapPreview(self, trackId: str, frame: int) -> dict:
        try:
            recipe = self._recipe()
            plan = self._gap_plan(trackId, frame, recipe)
            estimate = estimate_requests([gap_request(plan, self._doc.working_path, recipe,
                                                      self._intake.conditions_dir())])
        except Refusal as exc:
            message, hint = words(exc)
            return {"ok": False, "problem": message, "hint": hint}
        return {"ok": True, "problem": "", "hint": "", "estimate": estimate.text, "start": plan.start,
                "end": plan.end, "generated": plan.num_frames}

    @Slot(str, int, str, result=bool)
    def fillGap(self, trackId: str, frame: int, prompt: str) -> bool:
        """Generate the gap under `frame` on the track, conditioned on the clips before and after it."""
        try:
            recipe = self._recipe()
            plan = self._gap_plan(trackId, frame, recipe)
            check_supported([gap_request(plan, self._doc.working_path, recipe, self._intake.conditions_dir())])
            run = self._intake.runner.start_retake(plan, recipe, prompt or recipe.prompt)
        except Refusal as exc:
            return refuse(self.error, exc)
        self.queued.emit([run.job_id])
        return True
