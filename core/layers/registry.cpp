// The registry of layers (layer_spec.h): the list, the lookup from a session's keys, and the
// step lists with their typeset formulas.
#include <core/layers/layer_spec.h>

#include <core/math/family.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace bnflow {
namespace {

struct Formula {
    std::string_view key;
    std::string_view tex;
};

constexpr Formula kFamilyFormulas[] = {
#include <core/teach/family_formulas.inc>
};

const Formula* familyFormula(std::string_view key)
{
    for (const Formula& f : kFamilyFormulas)
        if (f.key == key)
            return &f;
    return nullptr;
}

bool hasStep(const LayerSpec& spec, std::string_view stepId)
{
    const auto& all = spec.templates();
    return std::any_of(all.begin(), all.end(), [&](const Step& s) { return s.id == stepId; });
}

std::vector<Step> withTex(const LayerSpec& spec)
{
    std::vector<Step> all = spec.templates();
    for (Step& step : all) {
        const std::string key = formulaKey(spec, step.id);
        const Formula* own = familyFormula(key);
        step.tex = own ? own->tex : findStep(key)->tex;
    }
    return all;
}

}  // namespace

const std::vector<const LayerSpec*>& layerSpecs()
{
    static const std::vector<const LayerSpec*> all = {
        &specs::batchNorm(),        &specs::batchNormEval(),        &specs::spatialBatchNorm(),
        &specs::spatialBatchNormEval(), &specs::layerNorm(),        &specs::rmsNorm(),
        &specs::groupNorm(),        &specs::spatialGroupNorm(),
    };
    return all;
}

const LayerSpec& layerSpec(Layer layer, Mode mode, bool spatial)
{
    const bool eval = layer == Layer::BatchNorm && mode == Mode::Eval;
    const bool channels = spatial && (layer == Layer::BatchNorm || layer == Layer::GroupNorm);
    for (const LayerSpec* spec : layerSpecs())
        if (spec->layer == layer && (spec->mode == Mode::Eval) == eval && spec->spatial == channels)
            return *spec;
    throw std::logic_error("no layer " + std::string(layerName(layer)));
}

const LayerSpec& layerSpec(const NormConfig& norm, Eigen::Index features)
{
    return layerSpec(norm.layerOrDefault(), norm.modeOrDefault(), norm.positions(features) > 1);
}

const LayerSpec& layerSpec(const Reduction& r)
{
    return layerSpec(r.layer, r.eval ? Mode::Eval : Mode::Train, r.positions > 1);
}

std::string formulaKey(const LayerSpec& spec, std::string_view stepId)
{
    if (!hasStep(spec, stepId))
        throw std::logic_error(std::string(spec.key) + " has no step " + std::string(stepId));
    for (const std::string_view prefix : spec.formulaPrefixes) {
        std::string key = std::string(prefix) + "/" + std::string(stepId);
        if (familyFormula(key))
            return key;
    }
    if (findStep(stepId))  // the formula is training batch norm's own (formulas.inc)
        return std::string(stepId);
    throw std::logic_error("family_formulas.inc has no formula for " + std::string(spec.key) +
                           "'s " + std::string(stepId));
}

const std::vector<Step>& steps(const LayerSpec& spec)
{
    if (spec.formulaPrefixes.empty())
        return spec.templates();  // training batch norm: the catalogue's steps, TeX included
    // Built once for every layer, on first use (a function-local static: thread-safe).
    static const std::map<const LayerSpec*, std::vector<Step>> all = [] {
        std::map<const LayerSpec*, std::vector<Step>> out;
        for (const LayerSpec* s : layerSpecs())
            if (!s->formulaPrefixes.empty())
                out.emplace(s, withTex(*s));
        return out;
    }();
    return all.at(&spec);
}

}  // namespace bnflow
