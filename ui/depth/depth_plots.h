// The Depth tab's plots, built from what core computed (core/net/depth_picture.h, depth_run.h):
// no math beyond arranging numbers. The same builders serve the window, its exports and
// bnflow-cli export NETWORK --plot depth-... (doc/depth.md#the-depth-tab).
#pragma once

#include <plots/plot_spec.h>

#include <core/net/depth_picture.h>

namespace bnflow::ui {

// "depth-activations", "depth-gradients", "depth-ratios", "depth-updates".
QStringList depthPlotNames();
QString depthPlotDescription(const QString& name);

// One panel per hidden layer, on the x and y ranges every layer shares: the share of h_k's
// entries per bin, the saturated tails (|h| > 0.97, tanh) in their own colour.
PlotSpec depthActivationsPlot(const DepthPicture& picture);
// The same for d loss / d h_k.
PlotSpec depthGradientsPlot(const DepthPicture& picture);
// Per layer, log scale: std and |mean| of d loss / d h_k and grad:data = std(dW_k) / std(W_k);
// below, std(h_k) and the saturated share. `compare` (another norm) is drawn dashed beside.
PlotSpec depthRatiosPlot(const DepthPicture& picture, const DepthPicture* compare = nullptr);
// update:data = std(lr dW_k) / std(W_k) of every layer against the step, log scale, with the
// 1e-3 guide line. No steps: an empty frame whose caption says how to get them.
PlotSpec depthUpdatesPlot(const std::vector<DepthStep>& steps, int layerCount);

// "none", "batch norm", ...: for titles.
QString normTitle(const std::optional<Layer>& norm);

// By name; an empty spec (no name) for an unknown one.
PlotSpec depthPlot(const QString& name, const DepthPicture& picture, const std::vector<DepthStep>& steps,
                   const DepthPicture* compare = nullptr);

}  // namespace bnflow::ui
