// Builds a PlotSpec in the background (QtConcurrent, on a one-thread pool of low priority), so
// that a slow plot never blocks the window: the gradient
// check and the h sweep do O(N^2 D) work per step (about 0.3 s and 0.8 s at the editor's 256 x 32
// limit), and they are redrawn on every edit while shown.
//
// Latest wins: a request made while another runs replaces any request still waiting, and only
// the newest request's result is delivered. So a burst of edits costs at most the computation
// already running plus one more, and a stale plot never replaces a newer one.
#pragma once

#include <plots/plot_spec.h>

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <cstdint>
#include <functional>
#include <utility>

namespace bnflow::ui {

class PlotJob : public QObject {
    Q_OBJECT
public:
    // Runs on the worker thread: must only read what it captured by value.
    using Compute = std::function<PlotSpec()>;

    explicit PlotJob(QObject* parent = nullptr);
    ~PlotJob() override;  // tells a running computation to stop, and waits for it

    void request(Compute compute);
    void cancel();      // nothing requested so far will be delivered; the running one is told to stop
    // For a Compute to poll (core's gradient check does, between entries): set when its result
    // can no longer be delivered (cancelled, or a newer request waits).
    const std::atomic<bool>* stopFlag() const { return &stop_; }
    // For a Compute to report (done, total) from the worker thread; progress() reads it.
    std::function<void(std::size_t, std::size_t)> progressSink();
    std::pair<std::size_t, std::size_t> progress() const { return {done_.load(), total_.load()}; }
    bool busy() const;  // the newest request has not been delivered (or cancelled) yet
    bool running() const { return running_; }  // a computation runs (maybe a stale one)

signals:
    // On the thread that owns the job. A computation that threw yields a spec with no panels
    // and the exception's text as its caption.
    void ready(const bnflow::ui::PlotSpec& spec);

private:
    void startPending();
    void workerFinished();

    QThreadPool pool_;                    // one thread, low priority: the window comes first
    QFutureWatcher<PlotSpec> watcher_;    // the running computation; finished() on our thread
    Compute pending_;
    std::uint64_t newest_ = 0;            // id of the newest request
    std::uint64_t runningId_ = 0;         // id of the request that runs
    bool running_ = false;
    bool delivered_ = true;               // the newest request was delivered or cancelled
    std::atomic<bool> stop_{false};           // see stopFlag()
    std::atomic<std::size_t> done_{0}, total_{0};  // see progressSink()
};

}  // namespace bnflow::ui
