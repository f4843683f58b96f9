#include <core/model/exercise.h>

#include <algorithm>
#include <cmath>

namespace bnflow {
namespace {

bool covers(const HiddenQuantity& h, Eigen::Index row, Eigen::Index col)
{
    return h.all || std::find(h.cells.begin(), h.cells.end(), Cell{row, col}) != h.cells.end();
}

HiddenQuantity& entryFor(Exercise& e, std::string_view id)
{
    for (HiddenQuantity& h : e.hidden)
        if (h.quantity == id)
            return h;
    e.hidden.push_back({std::string(id), false, {}});
    return e.hidden.back();
}

Prediction* findPrediction(Exercise& e, std::string_view id, Cell cell)
{
    for (Prediction& p : e.predictions)
        if (p.quantity == id && p.cell == cell)
            return &p;
    return nullptr;
}

}  // namespace

std::string_view hiddenAs(std::string_view id)
{
    // The fused kernel's results are the staged ones (up to rounding): one secret, two names.
    if (id == "fused_dx")
        return "dx";
    if (id == "fused_dgamma")
        return "dgamma";
    if (id == "fused_dbeta")
        return "dbeta";
    return id;
}


const HiddenQuantity* Exercise::entry(std::string_view id) const
{
    id = hiddenAs(id);
    for (const HiddenQuantity& h : hidden)
        if (h.quantity == id)
            return &h;
    return nullptr;
}

const Prediction* Exercise::prediction(std::string_view id, Cell cell) const
{
    id = hiddenAs(id);
    for (const Prediction& p : predictions)
        if (p.quantity == id && p.cell == cell)
            return &p;
    return nullptr;
}

bool Exercise::isHidden(std::string_view id, Eigen::Index row, Eigen::Index col) const
{
    const HiddenQuantity* h = entry(id);
    if (!h || !covers(*h, row, col))
        return false;
    const Prediction* p = prediction(id, {row, col});
    return !(p && p->revealed);
}

bool Exercise::hidesAny(std::string_view id) const
{
    const HiddenQuantity* h = entry(id);
    if (!h)
        return false;
    if (h->all)
        return true;
    return std::any_of(h->cells.begin(), h->cells.end(),
                       [&](const Cell& c) { return isHidden(id, c.row, c.col); });
}

bool Exercise::hidesAnything() const
{
    return std::any_of(hidden.begin(), hidden.end(),
                       [&](const HiddenQuantity& h) { return hidesAny(h.quantity); });
}

Exercise withCellsHidden(Exercise e, std::string_view id, const std::vector<Cell>& cells)
{
    id = hiddenAs(id);
    HiddenQuantity& h = entryFor(e, id);
    for (const Cell& c : cells) {
        if (!h.all && std::find(h.cells.begin(), h.cells.end(), c) == h.cells.end())
            h.cells.push_back(c);
        if (Prediction* p = findPrediction(e, id, c))
            p->revealed = false;  // hidden again: the lecturer asks once more
    }
    if (!h.all && h.cells.empty())
        e.hidden.pop_back();  // nothing was asked for
    return e;
}

Exercise withAllHidden(Exercise e, std::string_view id)
{
    id = hiddenAs(id);
    HiddenQuantity& h = entryFor(e, id);
    h.all = true;
    h.cells.clear();
    for (Prediction& p : e.predictions)
        if (p.quantity == id)
            p.revealed = false;
    return e;
}

Exercise withUnhidden(Exercise e, std::string_view id, const std::vector<Cell>& cells)
{
    id = hiddenAs(id);
    const auto shown = [&](std::string_view q, const Cell& c) {
        return q == id && (cells.empty() || std::find(cells.begin(), cells.end(), c) != cells.end());
    };
    std::erase_if(e.predictions, [&](const Prediction& p) { return shown(p.quantity, p.cell); });
    for (auto it = e.hidden.begin(); it != e.hidden.end(); ++it) {
        if (it->quantity != id)
            continue;
        if (cells.empty() || it->all) {
            // A whole step unhidden cell by cell is not expressible as a list; it stays whole
            // unless all of it is shown.
            if (cells.empty())
                e.hidden.erase(it);
        } else {
            std::erase_if(it->cells, [&](const Cell& c) { return shown(id, c); });
            if (it->cells.empty())
                e.hidden.erase(it);
        }
        break;
    }
    return e;
}

Exercise withPrediction(Exercise e, std::string_view id, Cell cell, double value)
{
    id = hiddenAs(id);
    if (Prediction* p = findPrediction(e, id, cell)) {
        p->value = value;
        p->revealed = false;
    } else {
        e.predictions.push_back({std::string(id), cell, value, false});
    }
    return e;
}

Exercise withRevealed(Exercise e, std::string_view id, Cell cell)
{
    if (Prediction* p = findPrediction(e, hiddenAs(id), cell))
        p->revealed = true;
    return e;
}

PredictionVerdict judgePrediction(double predicted, double right, double scale)
{
    if (!std::isfinite(predicted))
        return PredictionVerdict::Wrong;
    const double s = scale > 0 && std::isfinite(scale) ? scale : 1.0;
    const double error = std::abs(predicted - right) / s;
    if (error <= kPredictionRight)
        return PredictionVerdict::Right;
    return error <= kPredictionClose ? PredictionVerdict::Close : PredictionVerdict::Wrong;
}

const char* verdictName(PredictionVerdict verdict)
{
    switch (verdict) {
    case PredictionVerdict::Right: return "right";
    case PredictionVerdict::Close: return "close";
    case PredictionVerdict::Wrong: return "wrong";
    }
    return "wrong";
}


}  // namespace bnflow
