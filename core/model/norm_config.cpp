#include <core/model/norm_config.h>

#include <cmath>
#include <string>

namespace bnflow {

std::string_view layerName(Layer layer)
{
    switch (layer) {
    case Layer::LayerNorm: return "layernorm";
    case Layer::RmsNorm: return "rmsnorm";
    case Layer::GroupNorm: return "groupnorm";
    case Layer::BatchNorm: return "batchnorm";
    }
    return "batchnorm";
}

std::string_view layerTitle(Layer layer)
{
    switch (layer) {
    case Layer::LayerNorm: return "layer norm";
    case Layer::RmsNorm: return "RMSNorm";
    case Layer::GroupNorm: return "group norm";
    case Layer::BatchNorm: return "batch norm";
    }
    return "batch norm";
}

std::string_view modeName(Mode mode)
{
    return mode == Mode::Eval ? "eval" : "train";
}

std::string_view conventionName(Convention c)
{
    switch (c) {
    case Convention::Keras: return "keras";
    case Convention::Cs231n: return "cs231n";
    default: return "pytorch";
    }
}

std::optional<Layer> parseLayer(std::string_view name)
{
    for (const Layer l : {Layer::BatchNorm, Layer::LayerNorm, Layer::RmsNorm, Layer::GroupNorm})
        if (name == layerName(l))
            return l;
    return std::nullopt;
}

std::optional<Mode> parseMode(std::string_view name)
{
    for (const Mode m : {Mode::Train, Mode::Eval})
        if (name == modeName(m))
            return m;
    return std::nullopt;
}

std::optional<Convention> parseConvention(std::string_view name)
{
    for (const Convention c : {Convention::PyTorch, Convention::Keras, Convention::Cs231n})
        if (name == conventionName(c))
            return c;
    return std::nullopt;
}

namespace {

bool sameValues(const std::optional<RowVector>& a, const std::optional<RowVector>& b)
{
    if (a.has_value() != b.has_value())
        return false;
    return !a || (a->size() == b->size() && *a == *b);
}

}  // namespace

bool NormConfig::operator==(const NormConfig& other) const
{
    return layer == other.layer && groups == other.groups && channels == other.channels &&
           mode == other.mode &&
           sameValues(runningMean, other.runningMean) && sameValues(runningVar, other.runningVar) &&
           momentum == other.momentum && convention == other.convention;
}

Eigen::Index NormConfig::affineSize(Eigen::Index features) const
{
    const Layer l = layerOrDefault();
    const bool spatial = l == Layer::BatchNorm || l == Layer::GroupNorm;
    if (spatial && channels && *channels >= 1 && features >= 1 && features % *channels == 0)
        return static_cast<Eigen::Index>(*channels);
    return features;
}

double NormConfig::momentumOrDefault() const
{
    if (momentum)
        return *momentum;
    // Each library's default (doc/derivation.md#running-statistics).
    switch (conventionOrDefault()) {
    case Convention::Keras: return 0.99;
    case Convention::Cs231n: return 0.9;
    default: return 0.1;
    }
}

std::string affineCountText(const NormConfig& c, Eigen::Index features)
{
    const Eigen::Index size = c.affineSize(features);
    if (c.channels && size != features)
        return std::to_string(size) + ", one per channel (\"channels\": " + std::to_string(size) +
               ")";
    return std::to_string(size) + ", one per feature (column of x)";
}

namespace {

std::string quoted(std::string_view text)
{
    return "\"" + std::string(text) + "\"";
}

void checkRunning(const char* key, const RowVector& v, Eigen::Index d, const NormConfig& c,
                  bool variance, Problems& problems)
{
    if (v.size() != c.affineSize(d)) {
        problems.push_back({key, "has " + std::to_string(v.size()) +
                                     (v.size() == 1 ? " number" : " numbers") + "; expected " +
                                     affineCountText(c, d)});
        return;
    }
    for (Eigen::Index j = 0; j < v.size(); ++j) {
        const std::string where = std::string(key) + "[" + std::to_string(j) + "]";
        if (!std::isfinite(v[j])) {
            problems.push_back({where, "is not a finite number"});
            return;
        }
        if (variance && v[j] < 0) {
            problems.push_back({where, "is negative; a variance is >= 0"});
            return;
        }
    }
}

}  // namespace

Problems validateNorm(const NormConfig& c, Eigen::Index n, Eigen::Index d)
{
    Problems problems;
    const Layer layer = c.layerOrDefault();
    const std::string onLayer = " on " + std::string(layerTitle(layer)) + " (\"layer\": " +
                                quoted(layerName(layer)) + ")";

    if (layer == Layer::GroupNorm) {
        if (!c.groups)
            problems.push_back({"groups", "missing; \"layer\": \"groupnorm\" needs \"groups\": G, "
                                          "an integer >= 1 that divides D = " + std::to_string(d)});
        else if (*c.groups < 1)
            problems.push_back({"groups", "is " + std::to_string(*c.groups) +
                                              "; expected an integer >= 1 that divides D = " +
                                              std::to_string(d)});
        else if (d >= 1 && d % *c.groups != 0)
            problems.push_back({"groups", "is " + std::to_string(*c.groups) +
                                              ", which does not divide D = " + std::to_string(d) +
                                              " features into equal groups"});
    } else if (c.groups) {
        problems.push_back({"groups", "does not apply" + onLayer +
                                          "; it is for \"layer\": \"groupnorm\" only"});
    }

    if (c.channels) {
        const std::int64_t channels = *c.channels;
        if (layer == Layer::LayerNorm || layer == Layer::RmsNorm)
            problems.push_back({"channels", "does not apply" + onLayer +
                                                ": it normalizes each sample over all its "
                                                "features; channels are for batchnorm and "
                                                "groupnorm (spatial normalization)"});
        else if (channels < 1)
            problems.push_back({"channels", "is " + std::to_string(channels) +
                                                "; expected an integer >= 1 that divides D = " +
                                                std::to_string(d)});
        else if (d % channels != 0)
            problems.push_back({"channels", "is " + std::to_string(channels) +
                                                ", which does not divide D = " +
                                                std::to_string(d) +
                                                " features into channels of equal length"});
        else if (layer == Layer::GroupNorm && c.groups && *c.groups >= 1 &&
                 d % *c.groups == 0 && channels % *c.groups != 0)
            problems.push_back({"groups", "is " + std::to_string(*c.groups) +
                                              ", which does not divide C = " +
                                              std::to_string(channels) +
                                              " channels into equal groups"});
        if (layer == Layer::LayerNorm || layer == Layer::RmsNorm)
            return problems;
    }

    if (layer != Layer::BatchNorm) {
        // Every other key is batch norm's; name the first one given.
        if (c.mode && *c.mode == Mode::Eval)
            problems.push_back({"mode", "\"eval\" does not apply" + onLayer +
                                            ": it normalizes each sample by its own statistics, "
                                            "in training and at inference alike; eval mode is "
                                            "batch norm only"});
        else if (c.runningMean)
            problems.push_back({"running_mean", "does not apply" + onLayer +
                                                    "; running statistics are batch norm only"});
        else if (c.runningVar)
            problems.push_back({"running_var", "does not apply" + onLayer +
                                                   "; running statistics are batch norm only"});
        else if (c.momentum)
            problems.push_back({"momentum", "does not apply" + onLayer +
                                                "; it updates batch norm's running statistics"});
        else if (c.convention)
            problems.push_back({"convention", "does not apply" + onLayer +
                                                  "; it updates batch norm's running statistics"});
        return problems;
    }

    const bool eval = c.isEval();
    if (eval || c.runningMean || c.runningVar) {
        const char* purpose = eval ? "; eval mode normalizes with running_mean and running_var"
                                   : "; running statistics in training mode need both "
                                     "running_mean and running_var";
        if (!c.runningMean)
            problems.push_back({"running_mean", std::string("missing") + purpose});
        else if (!c.runningVar)
            problems.push_back({"running_var", std::string("missing") + purpose});
        if (c.runningMean)
            checkRunning("running_mean", *c.runningMean, d, c, false, problems);
        if (c.runningVar)
            checkRunning("running_var", *c.runningVar, d, c, true, problems);
    }

    if (c.momentum && !(std::isfinite(*c.momentum) && *c.momentum >= 0 && *c.momentum <= 1))
        problems.push_back({"momentum", "is outside [0, 1]; expected a number from 0 to 1"});
    else if (eval && c.momentum)
        problems.push_back({"momentum", "does not apply in eval mode: eval reads the running "
                                        "statistics and does not update them"});
    else if (!eval && c.momentum && !(c.runningMean && c.runningVar))
        problems.push_back({"momentum", "does not apply without running_mean and running_var: "
                                        "there are no running statistics to update"});

    if (eval && c.convention)
        problems.push_back({"convention", "does not apply in eval mode: eval reads the running "
                                          "statistics and does not update them"});
    else if (!eval && c.convention && !(c.runningMean && c.runningVar))
        problems.push_back({"convention", "does not apply without running_mean and running_var: "
                                          "there are no running statistics to update"});
    else if (c.updatesRunning() && c.conventionOrDefault() == Convention::PyTorch && n == 1)
        problems.push_back({c.convention ? "convention" : "running_var",
                            "the pytorch convention feeds running_var the unbiased variance, "
                            "which divides by N - 1 = 0 with one sample (PyTorch refuses it too); "
                            "use more samples or \"convention\": \"keras\" or \"cs231n\""});
    return problems;
}

}  // namespace bnflow
