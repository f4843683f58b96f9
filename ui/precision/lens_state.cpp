#include <precision/lens_state.h>

#include <document/session_document.h>

#include <QtConcurrent/QtConcurrentRun>

namespace bnflow::ui {

LensState::LensState(const SessionDocument* document, QObject* parent)
    : QObject(parent), document_(document)
{
    connect(document_, &SessionDocument::resultsChanged, this, &LensState::recompute);
    connect(&watcher_, &QFutureWatcher<Report>::finished, this, &LensState::arrived);
}

LensState::~LensState()
{
    watcher_.waitForFinished();  // the worker reads nothing of ours, but finishes before we go
}

void LensState::setLens(std::optional<NumberType> type, std::optional<NumberType> accumulate)
{
    if (type && accumulate && !fitsIn(*type, *accumulate))
        accumulate.reset();
    if (type == type_ && accumulate == accumulate_)
        return;
    type_ = type;
    accumulate_ = type ? accumulate : std::nullopt;
    recompute();
    if (!type_)
        emit changed();  // turned off: the panel and the walkthrough's marks follow
}

void LensState::recompute()
{
    if (!type_) {
        // Off: nothing to recompute and nothing to tell on an edit (setLens tells the change).
        report_.reset();
        pending_ = false;  // what a running worker brings is dropped
        return;
    }
    report_.reset();
    if (watcher_.isRunning()) {
        pending_ = true;
        emit changed();
        return;
    }
    const Session& session = document_->session();
    const NumberType type = *type_, sums = accumulate_.value_or(*type_);
    if (session.x.size() <= kSynchronousEntries) {
        report_ = std::make_shared<const PrecisionReport>(precisionReport(session, type, sums));
        emit changed();
        return;
    }
    awaiting_ = true;
    watcher_.setFuture(QtConcurrent::run([session, type, sums]() -> Report {
        return std::make_shared<const PrecisionReport>(precisionReport(session, type, sums));
    }));
    emit changed();
}

void LensState::arrived()
{
    if (!awaiting_ || watcher_.isRunning())
        return;  // already taken (waitForReport), or a newer worker runs
    awaiting_ = false;
    if (!type_)
        return;
    if (pending_) {
        pending_ = false;
        recompute();
        return;
    }
    report_ = watcher_.result();
    emit changed();
}

void LensState::waitForReport()
{
    while (awaiting_) {
        watcher_.waitForFinished();
        arrived();
    }
}

}  // namespace bnflow::ui
