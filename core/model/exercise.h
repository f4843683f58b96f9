// Exercise mode: a lecturer hides cells, whole steps or values of the computed quantities; the
// student types a prediction into a hidden cell and reveals it against the right value. Kept in
// the session file under "exercise" (the shape is documented in README.md, "Exercise mode").
#pragma once

#include <core/model/problem.h>
#include <core/model/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bnflow {

struct Cell {
    Eigen::Index row = 0;  // the sample; 0 for a per-feature quantity or a scalar
    Eigen::Index col = 0;  // the feature; 0 for a scalar
    friend bool operator==(const Cell&, const Cell&) = default;
};

// Cells of one catalogue quantity, hidden until revealed.
struct HiddenQuantity {
    std::string quantity;     // a computed quantity's catalogue id ("dvar", "dx", ...)
    bool all = false;         // every cell: the whole step or value ("cells": "all")
    std::vector<Cell> cells;  // the cells hidden when not all, without repeats
    friend bool operator==(const HiddenQuantity&, const HiddenQuantity&) = default;
};

// What a student typed into a hidden cell, and whether it was revealed.
struct Prediction {
    std::string quantity;  // catalogue id
    Cell cell;
    double value = 0;
    bool revealed = false;  // revealed against the right value: the cell shows its value again
    friend bool operator==(const Prediction&, const Prediction&) = default;
};

struct Exercise {
    std::vector<HiddenQuantity> hidden;   // in the order they were hidden, one entry a quantity
    std::vector<Prediction> predictions;  // one a cell at most
    bool locked = false;  // opened in class: the lecturer's controls are off until unlocked
    std::string inject;   // a mistake of the fixed list (mistakes.h) to show, or empty

    bool empty() const { return hidden.empty() && predictions.empty() && !locked && inject.empty(); }

    // The cell is hidden by the exercise and was not revealed: every view shows "?" instead of
    // its value. The fused dx, dgamma and dbeta are hidden with the staged ones (same values).
    bool isHidden(std::string_view quantityId, Eigen::Index row, Eigen::Index col) const;
    // Some cell of the quantity is hidden (a step's table, graph node or plot gives it away).
    bool hidesAny(std::string_view quantityId) const;
    bool hidesAnything() const;
    const HiddenQuantity* entry(std::string_view quantityId) const;
    const Prediction* prediction(std::string_view quantityId, Cell cell) const;

    friend bool operator==(const Exercise&, const Exercise&) = default;
};

// The quantity whose cells decide whether `quantityId` is hidden: "fused_dx" -> "dx", ...
std::string_view hiddenAs(std::string_view quantityId);

// Edits, as values (the GUI pushes the result as one undo step). Each returns the exercise
// unchanged when there is nothing to do.
Exercise withCellsHidden(Exercise exercise, std::string_view quantityId, const std::vector<Cell>& cells);
Exercise withAllHidden(Exercise exercise, std::string_view quantityId);  // a whole step or value
// Shows the cells again (all of the quantity when `cells` is empty), forgetting their predictions.
Exercise withUnhidden(Exercise exercise, std::string_view quantityId, const std::vector<Cell>& cells = {});
Exercise withPrediction(Exercise exercise, std::string_view quantityId, Cell cell, double value);
Exercise withRevealed(Exercise exercise, std::string_view quantityId, Cell cell);

// A prediction against the right value, both scaled by `scale`, the largest magnitude of the
// quantity (as core/teach/check.h scales errors), so that 0 is a right guess for 1e-17 beside 3.
enum class PredictionVerdict { Right, Close, Wrong };
inline constexpr double kPredictionRight = 1e-3;  // scaled error at most: "right" (4 digits typed)
inline constexpr double kPredictionClose = 5e-2;  // at most: "close"
PredictionVerdict judgePrediction(double predicted, double right, double scale);
const char* verdictName(PredictionVerdict verdict);  // "right", "close", "wrong"


}  // namespace bnflow
