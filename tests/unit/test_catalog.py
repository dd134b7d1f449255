import pytest

from ltx_editor.core.catalog import (
    CATALOG,
    PriceRule,
    choose_local_model,
    get_model,
    models_for,
    smaller_local_model,
)
from ltx_editor.core.settings import GenerationMode


def test_every_model_is_served_somewhere_and_has_sane_defaults():
    for m in CATALOG.values():
        assert m.backends, m.id
        assert m.max_frames >= 97, m.id
        assert m.default_steps > 0
        for mode in m.fal:
            assert m.fal[mode].endpoint.startswith("fal-ai/")
        for mode in m.replicate:
            assert m.replicate[mode].endpoint.startswith("lightricks/")


def test_the_plans_models_and_ltx2_are_present():
    families = {m.family for m in CATALOG.values()}
    assert families == {"ltx-video", "ltx-2"}
    params = {m.params for m in CATALOG.values() if m.family == "ltx-video"}
    assert {"2B", "13B"} <= params
    assert any(m.audio and m.hub_id for m in CATALOG.values())  # LTX-2 runs locally with audio


def test_price_rules():
    assert PriceRule(kind="per_video", usd=0.02).estimate(width=1, height=1, num_frames=121, fps=24) == 0.02
    per_s = PriceRule(kind="per_second", usd=0.04, by_resolution={"1440p": 0.08})
    assert per_s.estimate(width=0, height=0, num_frames=48, fps=24) == pytest.approx(0.08)
    assert per_s.estimate(width=0, height=0, num_frames=48, fps=24, resolution="1440p") == pytest.approx(0.16)
    mp = PriceRule(kind="per_megapixel", usd=0.0018)
    assert mp.estimate(width=1000, height=1000, num_frames=100, fps=25) == pytest.approx(0.18)
    assert PriceRule(kind="unknown").estimate(width=1, height=1, num_frames=9, fps=24) is None


def test_backend_filters_and_capabilities():
    assert all("local" in m.backends for m in models_for("local"))
    pro = get_model("ltx-2-pro")
    assert pro.supports("fal", GenerationMode.TEXT_TO_VIDEO)
    assert not pro.supports("local", GenerationMode.TEXT_TO_VIDEO)
    assert pro.endpoint("fal", GenerationMode.IMAGE_TO_VIDEO).endpoint == "fal-ai/ltx-2/image-to-video"


def test_vram_ladder():
    # The automatic choice follows auto_model.AUTO_TABLE (was: 0.9.7 13B at 80 GB, ignoring LTX-2.x).
    assert choose_local_model(80).id == "ltx-2.3-22b-distilled"
    assert choose_local_model(8).id == "ltxv-2b-0.9.8-distilled"
    assert choose_local_model(3) is None
    smaller = smaller_local_model("ltxv-13b-0.9.7-distilled")
    assert smaller is not None and smaller.vram_gb < 20
    assert smaller_local_model("ltxv-2b-0.9.8-distilled") is None


def test_unknown_model_names_the_known_ones():
    with pytest.raises(KeyError, match="ltxv-2b"):
        get_model("nope")
