#include <exercise/exercise_editor.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <tables/editable_model.h>
#include <exercise/exercise_names.h>

#include <core/teach/catalogue.h>
#include <core/teach/mistakes.h>

#include <QAbstractItemView>
#include <QItemSelectionModel>

#include <map>

namespace bnflow::ui {

using namespace exercise_names;

ExerciseEditor::ExerciseEditor(SessionDocument* document, const DisplaySettings* display, QObject* parent)
    : QObject(parent), document_(document), display_(display)
{
}

bool ExerciseEditor::refuseWhenLocked(const QString& what)
{
    if (!document_->session().exercise.locked)
        return false;
    emit statusMessage(tr("The exercise is locked: %1 needs Exercise > Unlock Exercise first").arg(what));
    return true;
}

bool ExerciseEditor::edit(const Exercise& after, const QString& description, const QString& done)
{
    if (!document_->setExercise(after, description)) {
        emit statusMessage(tr("Nothing changed: %1").arg(description));
        return false;
    }
    emit statusMessage(done);
    return true;
}

bool ExerciseEditor::hideCells(std::string_view id, const std::vector<Cell>& cells)
{
    if (refuseWhenLocked(tr("hiding cells")) || cells.empty())
        return false;
    const QString what = cells.size() == 1 ? cellName(id, cells.front())
                                           : tr("%1 cells of %2").arg(cells.size()).arg(qs(id));
    return edit(withCellsHidden(document_->session().exercise, id, cells), tr("Hide %1").arg(what),
                tr("Hidden: %1 now shows \"?\" everywhere").arg(what));
}

bool ExerciseEditor::hideQuantity(std::string_view id)
{
    if (refuseWhenLocked(tr("hiding a step")))
        return false;
    if (!isHideable(id)) {
        emit statusMessage(tr("%1 is an input of the session and stays visible").arg(qs(id)));
        return false;
    }
    return edit(withAllHidden(document_->session().exercise, id), tr("Hide step %1").arg(qs(hiddenAs(id))),
                tr("Hidden: every value of %1").arg(qs(hiddenAs(id))));
}

bool ExerciseEditor::unhideQuantity(std::string_view id, const std::vector<Cell>& cells)
{
    if (refuseWhenLocked(tr("unhiding")))
        return false;
    const QString what = cells.size() == 1 ? cellName(hiddenAs(id), cells.front()) : qs(hiddenAs(id));
    return edit(withUnhidden(document_->session().exercise, id, cells), tr("Unhide %1").arg(what),
                tr("Shown again: %1").arg(what));
}

bool ExerciseEditor::hideSelectionOf(const QAbstractItemView* view)
{
    const auto* model = view ? qobject_cast<const DocumentTableModel*>(view->model()) : nullptr;
    if (!model) {
        emit statusMessage(tr("Select cells in a results table (or the walkthrough's values) first"));
        return false;
    }
    QModelIndexList selected = view->selectionModel() ? view->selectionModel()->selectedIndexes() : QModelIndexList();
    if (selected.isEmpty() && view->currentIndex().isValid())
        selected << view->currentIndex();
    std::map<std::string_view, std::vector<Cell>> byQuantity;
    for (const QModelIndex& index : selected)
        if (const auto shown = model->shownAt(index.row(), index.column()); shown && isHideable(shown->quantityId))
            byQuantity[hiddenAs(shown->quantityId)].push_back(shown->cell);
    if (byQuantity.empty()) {
        emit statusMessage(tr("No computed value selected: inputs (x, gamma, beta, dout) stay visible"));
        return false;
    }
    if (refuseWhenLocked(tr("hiding cells")))
        return false;
    Exercise after = document_->session().exercise;
    std::size_t count = 0;
    for (const auto& [id, cells] : byQuantity) {
        after = withCellsHidden(std::move(after), id, cells);
        count += cells.size();
    }
    const QString what = count == 1 ? cellName(byQuantity.begin()->first, byQuantity.begin()->second.front())
                                    : tr("%1 cells").arg(count);
    return edit(after, tr("Hide %1").arg(what), tr("Hidden: %1 now shows \"?\" everywhere").arg(what));
}

bool ExerciseEditor::setLocked(bool locked)
{
    Exercise after = document_->session().exercise;
    if (after.locked == locked) {
        emit statusMessage(locked ? tr("The exercise is already locked") : tr("The exercise is not locked"));
        return false;
    }
    after.locked = locked;
    return edit(after, locked ? tr("Lock exercise") : tr("Unlock exercise"),
                locked ? tr("Exercise locked: save it and open it in class; hidden cells open only by prediction and Reveal")
                       : tr("Exercise unlocked: the lecturer's controls are back"));
}

bool ExerciseEditor::inject(const QString& name)
{
    if (refuseWhenLocked(tr("choosing the mistake")))
        return false;
    Exercise after = document_->session().exercise;
    after.inject = name.toStdString();
    return edit(after, name.isEmpty() ? tr("Remove injected mistake") : tr("Inject mistake %1").arg(name),
                name.isEmpty() ? tr("No mistake injected") : tr("Injected: %1 (see the Exercise tab)").arg(name));
}

bool ExerciseEditor::reveal(std::string_view id, Cell cell, const QString& text)
{
    const std::optional<double> typed = parseNumber(text);
    if (!typed) {
        emit statusMessage(text.trimmed().isEmpty()
                               ? tr("Type your prediction for %1 first").arg(cellName(id, cell))
                               : tr("'%1' is not a number").arg(text.left(40)));
        return false;
    }
    const auto values = document_->value(id);
    if (!values) {
        emit statusMessage(tr("This session cannot be computed: nothing to reveal"));
        return false;
    }
    const double right = (*values)(cell.row, cell.col);
    const PredictionVerdict verdict = judgePrediction(*typed, right, values->cwiseAbs().maxCoeff());
    const Exercise after = withRevealed(withPrediction(document_->session().exercise, id, cell, *typed), id, cell);
    return edit(after, tr("Reveal %1").arg(cellName(id, cell)),
                tr("%1: %2 — you said %3, the value is %4")
                    .arg(cellName(id, cell), QLatin1String(verdictName(verdict)), display_->format(*typed),
                         display_->format(right)));
}

}  // namespace bnflow::ui
