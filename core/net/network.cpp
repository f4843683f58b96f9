#include <core/net/network.h>

#include <core/math/products.h>

#include <cmath>

namespace bnflow {

using Index = Eigen::Index;

std::string_view activationName(Activation activation)
{
    switch (activation) {
    case Activation::Tanh: return "tanh";
    case Activation::Relu: return "relu";
    case Activation::Linear: return "linear";
    }
    return "tanh";
}

std::optional<Activation> parseActivation(std::string_view name)
{
    for (const Activation a : {Activation::Tanh, Activation::Relu, Activation::Linear})
        if (name == activationName(a))
            return a;
    return std::nullopt;
}

Network emptyNetwork(const NetworkShape& shape)
{
    Network net;
    net.shape = shape;
    for (int k = 0; k < shape.layerCount(); ++k) {
        LayerParameters p;
        p.W = Matrix::Zero(shape.fanIn(k), shape.fanOut(k));
        if (shape.bias)
            p.b = RowVector::Zero(shape.fanOut(k));
        if (shape.hasNorm(k)) {
            p.gamma = RowVector::Ones(shape.width);
            p.beta = RowVector::Zero(shape.width);
        }
        net.layers.push_back(std::move(p));
    }
    return net;
}

namespace {

// The norm as the family sees it: training mode, no channels, no running statistics.
NormConfig normConfig(Layer layer)
{
    NormConfig config;
    config.layer = layer;
    return config;
}

// h @ W + b (b left out without bias).
Matrix affine(const Matrix& h, const LayerParameters& p)
{
    Matrix out;
    multiply(Product::AB, h, p.W, out);
    if (p.b.size())
        out.rowwise() += p.b;
    return out;
}

Matrix activate(Activation activation, const Matrix& z)
{
    switch (activation) {
    case Activation::Tanh: return z.array().tanh().matrix();
    case Activation::Relu: return z.cwiseMax(0.0);
    case Activation::Linear: return z;
    }
    return z;
}

}  // namespace

Matrix activationBackward(Activation activation, const Matrix& dh, const Matrix& h)
{
    switch (activation) {
    case Activation::Tanh: return dh.array() * (1.0 - h.array().square());
    case Activation::Relu: return (h.array() > 0.0).select(dh, 0.0);
    case Activation::Linear: return dh;
    }
    return dh;
}

NetworkForward forwardPass(const Network& net, const Dataset& data)
{
    const NetworkShape& shape = net.shape;
    NetworkForward f;
    f.hidden.resize(std::size_t(shape.hidden));
    const Matrix* input = &data.x;
    for (int k = 0; k < shape.hidden; ++k) {
        const LayerParameters& p = net.layers[std::size_t(k)];
        HiddenForward& h = f.hidden[std::size_t(k)];
        h.pre = affine(*input, p);
        if (shape.norm) {
            const NormConfig config = normConfig(*shape.norm);
            const Reduction r = Reduction::of(config, h.pre.rows(), h.pre.cols());
            h.norm = familyForward(r, h.pre, p.gamma, p.beta, kNetworkEps, config);
            h.act = activate(shape.activation, h.norm.y);
        } else {
            h.act = activate(shape.activation, h.pre);
        }
        input = &h.act;
    }
    f.logits = affine(*input, net.layers.back());
    // A stable softmax: subtract each row's largest logit before exp.
    const Eigen::VectorXd rowMax = f.logits.rowwise().maxCoeff();
    const Matrix shifted = f.logits.colwise() - rowMax;
    const Matrix e = shifted.array().exp().matrix();
    const Eigen::VectorXd sums = e.rowwise().sum();
    f.probs = e.array().colwise() / sums.array();
    double total = 0;
    for (Index i = 0; i < f.logits.rows(); ++i)  // -log softmax = log(sum exp) - shifted logit
        total += std::log(sums[i]) - shifted(i, data.labels[std::size_t(i)]);
    f.loss = total / double(f.logits.rows());
    return f;
}

NetworkBackward backwardPass(const Network& net, const Dataset& data, const NetworkForward& f)
{
    const NetworkShape& shape = net.shape;
    const Index n = data.x.rows();
    NetworkBackward g;
    g.layers.resize(std::size_t(shape.layerCount()));
    // The mean cross-entropy's gradient: (softmax - one-hot) / N.
    Matrix dout = f.probs;
    for (Index i = 0; i < n; ++i)
        dout(i, data.labels[std::size_t(i)]) -= 1.0;
    dout /= double(n);
    for (int k = shape.hidden; k >= 0; --k) {
        const LayerParameters& p = net.layers[std::size_t(k)];
        LayerGradients& grad = g.layers[std::size_t(k)];
        const Matrix& input = k == 0 ? data.x : f.hidden[std::size_t(k - 1)].act;
        // dout is d loss / d (input @ W + b) here.
        multiply(Product::AtB, input, dout, grad.dW);
        if (p.b.size())
            grad.db = dout.colwise().sum();
        if (k == 0)
            break;
        const HiddenForward& below = f.hidden[std::size_t(k - 1)];
        LayerGradients& belowGrad = g.layers[std::size_t(k - 1)];
        multiply(Product::ABt, dout, p.W, belowGrad.dact);
        Matrix dz = activationBackward(shape.activation, belowGrad.dact, below.act);
        if (shape.norm) {  // the family's fused backward: dx, dgamma and dbeta of the norm
            const LayerParameters& q = net.layers[std::size_t(k - 1)];
            const NormConfig config = normConfig(*shape.norm);
            const Reduction r = Reduction::of(config, n, shape.width);
            FamilyFused fused = familyFused(r, dz, below.norm, q.gamma);
            belowGrad.dgamma = std::move(fused.dgamma);
            belowGrad.dbeta = std::move(fused.dbeta);
            dout = std::move(fused.dx);
        } else {
            dout = std::move(dz);
        }
    }
    return g;
}

void sgdStep(Network& net, const NetworkBackward& grads, double lr)
{
    for (std::size_t k = 0; k < net.layers.size(); ++k) {
        LayerParameters& p = net.layers[k];
        const LayerGradients& g = grads.layers[k];
        p.W -= lr * g.dW;
        if (p.b.size())
            p.b -= lr * g.db;
        if (p.gamma.size()) {
            p.gamma -= lr * g.dgamma;
            p.beta -= lr * g.dbeta;
        }
    }
}

bool allFinite(const Network& net)
{
    for (const LayerParameters& p : net.layers)
        if (!(p.W.allFinite() && p.b.allFinite() && p.gamma.allFinite() && p.beta.allFinite()))
            return false;
    return true;
}

}  // namespace bnflow
