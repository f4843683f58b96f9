#include <core/io/exercise_json.h>

#include <core/io/json_format.h>
#include <core/teach/catalogue.h>
#include <core/teach/mistakes.h>

#include <cmath>
#include <set>
#include <tuple>

namespace bnflow {
namespace {

using Json = JsonDocument;

const char* typeName(const Json& value)
{
    return jsonTypeName(value);
}

std::string quoted(const Json& value)
{
    return clipped(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

class ExerciseReader {
public:
    ExerciseReader(std::optional<SessionShape> shape, Problems& problems)
        : shape_(shape), problems_(problems)
    {
    }

    bool failed() const { return failed_; }

    void fail(std::string where, std::string what)
    {
        failed_ = true;
        if (reported_++ < kMaxReported)
            problems_.push_back({std::move(where), std::move(what)});
    }

    // A computed quantity's id, or empty after a problem.
    std::string quantityId(const Json& value, const std::string& where)
    {
        if (!value.is_string()) {
            fail(where, std::string("expected the id of a computed quantity (a string such as \"dvar\"), got ") +
                            typeName(value));
            return {};
        }
        const std::string id = value.get<std::string>();
        if (!findQuantity(id))
            fail(where, "is " + quoted(value) + ", not a quantity of bnflow; expected an id such as "
                        "\"dxhat\", \"dvar\", \"dmean\", \"dx\" (README.md, \"Exercise mode\")");
        else if (!isHideable(id))
            fail(where, "is " + quoted(value) + ", an input of the session, which is always shown; "
                        "expected a computed quantity");
        else
            return std::string(hiddenAs(id));
        return {};
    }

    std::optional<Cell> cell(const Json& value, const std::string& id, const std::string& where)
    {
        if (!value.is_array() || value.size() != 2) {
            fail(where, "is " + quoted(value) + "; expected a cell [row, column] of two integers >= 0");
            return std::nullopt;
        }
        Eigen::Index index[2] = {0, 0};
        for (std::size_t k = 0; k < 2; ++k) {
            const Json& v = value[k];
            if (!v.is_number_unsigned() || v.get<std::uint64_t>() > std::uint64_t(1) << 40) {
                fail(where + "[" + std::to_string(k) + "]",
                     "is " + quoted(v) + "; expected an integer >= 0 (a " + (k == 0 ? "row" : "column") + ")");
                return std::nullopt;
            }
            index[k] = Eigen::Index(v.get<std::uint64_t>());
        }
        const Cell c{index[0], index[1]};
        if (shape_ && !id.empty()) {
            const Extent extent = quantity(id).extent;
            const Eigen::Index rows = extent == Extent::PerElement ? shape_->samples : 1;
            const Eigen::Index cols = extent == Extent::Scalar ? 1 : shape_->features;
            if (c.row >= rows || c.col >= cols) {
                fail(where, "is " + quoted(value) + ", outside " + id + ", which is " + std::to_string(rows) +
                                " x " + std::to_string(cols) + " for this session");
                return std::nullopt;
            }
        }
        return c;
    }

    void hidden(const Json& value, Exercise& e)
    {
        if (!value.is_array()) {
            fail("exercise.hidden", std::string("expected an array of {\"quantity\": ..., \"cells\": ...}, got ") +
                                        typeName(value));
            return;
        }
        for (std::size_t k = 0; k < value.size(); ++k) {
            const std::string where = "exercise.hidden[" + std::to_string(k) + "]";
            const Json& item = value[k];
            if (!item.is_object()) {
                fail(where, std::string("expected an object {\"quantity\": ..., \"cells\": ...}, got ") + typeName(item));
                continue;
            }
            if (!onlyKeys(item, where, {"quantity", "cells"}))
                continue;
            const auto q = item.find("quantity");
            const auto cells = item.find("cells");
            if (q == item.end()) {
                fail(where + ".quantity", "missing; expected the id of a computed quantity, such as \"dvar\"");
                continue;
            }
            const std::string id = quantityId(*q, where + ".quantity");
            if (id.empty())
                continue;
            if (e.entry(id)) {
                fail(where + ".quantity", "\"" + id + "\" is hidden twice; list each quantity once");
                continue;
            }
            HiddenQuantity h{id, false, {}};
            // Repeats are dropped through a sorted index, not a search of the cells kept so far:
            // a file of 600 000 cells took minutes that way.
            std::set<std::pair<Eigen::Index, Eigen::Index>> seen;
            if (cells == item.end()) {
                fail(where + ".cells", "missing; expected \"all\" or an array of cells [row, column]");
                continue;
            }
            if (cells->is_string() && cells->get<std::string>() == "all") {
                h.all = true;
            } else if (cells->is_array() && !cells->empty()) {
                for (std::size_t c = 0; c < cells->size(); ++c) {
                    const auto read = cell((*cells)[c], id, where + ".cells[" + std::to_string(c) + "]");
                    if (read && seen.insert({read->row, read->col}).second)
                        h.cells.push_back(*read);
                }
            } else {
                fail(where + ".cells", "is " + quoted(*cells) +
                                           "; expected \"all\" or a non-empty array of cells [row, column]");
                continue;
            }
            e.hidden.push_back(std::move(h));
        }
    }

    void predictions(const Json& value, Exercise& e)
    {
        if (!value.is_array()) {
            fail("exercise.predictions", std::string("expected an array of {\"quantity\", \"cell\", \"value\"}, got ") +
                                             typeName(value));
            return;
        }
        for (std::size_t k = 0; k < value.size(); ++k) {
            const std::string where = "exercise.predictions[" + std::to_string(k) + "]";
            const Json& item = value[k];
            if (!item.is_object()) {
                fail(where, std::string("expected an object {\"quantity\", \"cell\", \"value\"}, got ") + typeName(item));
                continue;
            }
            if (!onlyKeys(item, where, {"quantity", "cell", "value", "revealed"}))
                continue;
            Prediction p;
            bool ok = true;
            for (const char* key : {"quantity", "cell", "value"})
                if (!item.contains(key)) {
                    fail(where + "." + key, "missing");
                    ok = false;
                }
            if (!ok)
                continue;
            p.quantity = quantityId(item["quantity"], where + ".quantity");
            if (p.quantity.empty())
                continue;
            const auto c = cell(item["cell"], p.quantity, where + ".cell");
            const Json& v = item["value"];
            if (!v.is_number() || !std::isfinite(v.get<double>())) {
                fail(where + ".value", std::string("expected a finite number, got ") + typeName(v));
                continue;
            }
            if (!c)
                continue;
            p.cell = *c;
            p.value = v.get<double>();
            if (const auto r = item.find("revealed"); r != item.end()) {
                if (!r->is_boolean()) {
                    fail(where + ".revealed", std::string("expected true or false, got ") + typeName(*r));
                    continue;
                }
                p.revealed = r->get<bool>();
            }
            if (!predicted_.insert({p.quantity, p.cell.row, p.cell.col}).second) {
                fail(where + ".cell", "a second prediction for " + p.quantity + " " + quoted(item["cell"]) +
                                          "; expected one a cell");
                continue;
            }
            e.predictions.push_back(std::move(p));
        }
    }

    bool onlyKeys(const Json& object, const std::string& where, std::initializer_list<const char*> known)
    {
        bool ok = true;
        for (const auto& [key, ignored] : object.items()) {
            bool isKnown = false;
            for (const char* k : known)
                isKnown = isKnown || key == k;
            if (!isKnown) {
                std::string expected;
                for (const char* k : known)
                    expected += (expected.empty() ? "" : ", ") + std::string(k);
                fail(where + "." + clipped(key), "is not a key of the exercise; expected " + expected);
                ok = false;
            }
        }
        return ok;
    }

private:
    static constexpr int kMaxReported = 10;
    std::optional<SessionShape> shape_;
    // The cells predicted so far, for the one-prediction-a-cell rule in O(log n) a prediction.
    std::set<std::tuple<std::string, Eigen::Index, Eigen::Index>> predicted_;
    Problems& problems_;
    bool failed_ = false;
    int reported_ = 0;
};

}  // namespace

std::optional<Exercise> readExercise(const JsonDocument& value, std::optional<SessionShape> shape,
                                     Problems& problems)
{
    ExerciseReader reader(shape, problems);
    if (!value.is_object()) {
        reader.fail("exercise", std::string("expected an object {\"hidden\": [...], \"locked\": ...}, got ") +
                                    typeName(value));
        return std::nullopt;
    }
    Exercise e;
    reader.onlyKeys(value, "exercise", {"hidden", "predictions", "locked", "inject"});
    if (const auto it = value.find("hidden"); it != value.end())
        reader.hidden(*it, e);
    if (const auto it = value.find("predictions"); it != value.end())
        reader.predictions(*it, e);
    if (const auto it = value.find("locked"); it != value.end()) {
        if (it->is_boolean())
            e.locked = it->get<bool>();
        else
            reader.fail("exercise.locked", std::string("expected true or false, got ") + typeName(*it));
    }
    if (const auto it = value.find("inject"); it != value.end()) {
        bool known = false;
        std::string names;
        for (const Mistake& m : knownMistakes()) {
            known = known || (it->is_string() && it->get<std::string>() == m.name);
            names += (names.empty() ? "" : ", ") + std::string(m.name);
        }
        if (known)
            e.inject = it->get<std::string>();
        else
            reader.fail("exercise.inject", "is " + quoted(*it) + "; expected one of the known mistakes: " + names);
    }
    if (reader.failed())
        return std::nullopt;
    return e;
}

namespace {

// Whether a cell exists in a quantity of an N x D session.
bool inside(std::string_view id, Cell c, Eigen::Index n, Eigen::Index d)
{
    const Extent extent = quantity(id).extent;
    const Eigen::Index rows = extent == Extent::PerElement ? n : 1;
    const Eigen::Index cols = extent == Extent::Scalar ? 1 : d;
    return c.row >= 0 && c.col >= 0 && c.row < rows && c.col < cols;
}

std::string cellJson(Cell c)
{
    return "[" + std::to_string(c.row) + ", " + std::to_string(c.col) + "]";
}

}  // namespace

std::string writeExercise(const Exercise& e, Eigen::Index n, Eigen::Index d)
{
    std::string out = "{";
    std::string separator = "\n    ";
    if (!e.hidden.empty()) {
        out += separator + "\"hidden\": [";
        std::string itemSeparator = "\n      ";
        for (const HiddenQuantity& h : e.hidden) {
            std::string cells;
            if (h.all) {
                cells = "\"all\"";
            } else {
                for (const Cell& c : h.cells)
                    if (inside(h.quantity, c, n, d))
                        cells += (cells.empty() ? "" : ", ") + cellJson(c);
                if (cells.empty())
                    continue;  // every cell was removed with its sample or feature
                cells = "[" + cells + "]";
            }
            out += itemSeparator + "{\"quantity\": " + json::string(h.quantity) + ", \"cells\": " + cells + "}";
            itemSeparator = ",\n      ";
        }
        out += "\n    ]";
        separator = ",\n    ";
    }
    std::string predictions;
    for (const Prediction& p : e.predictions) {
        if (!inside(p.quantity, p.cell, n, d) || !std::isfinite(p.value))
            continue;
        predictions += (predictions.empty() ? "\n      " : ",\n      ");
        predictions += "{\"quantity\": " + json::string(p.quantity) + ", \"cell\": " + cellJson(p.cell) +
                       ", \"value\": " + json::number(p.value) + ", \"revealed\": " +
                       (p.revealed ? "true" : "false") + "}";
    }
    if (!predictions.empty()) {
        out += separator + "\"predictions\": [" + predictions + "\n    ]";
        separator = ",\n    ";
    }
    out += separator + "\"locked\": " + (e.locked ? "true" : "false");
    if (!e.inject.empty())
        out += ",\n    \"inject\": " + json::string(e.inject);
    return out + "\n  }";
}

}  // namespace bnflow
