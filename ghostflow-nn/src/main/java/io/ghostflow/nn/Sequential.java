package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import java.util.List;
import java.util.stream.Collectors;

/** Layers applied in order; children are named "0", "1", ... as in PyTorch. */
public final class Sequential extends Module {
    public Sequential(Module... layers) {
        for (Module m : layers) {
            add(m);
        }
    }

    /** Appends a layer. */
    public Sequential add(Module layer) {
        addChild(Integer.toString(children().size()), layer);
        return this;
    }

    public List<Module> layers() {
        return List.copyOf(children().values());
    }

    @Override
    public Var forward(Var x) {
        Var h = x;
        for (Module m : children().values()) {
            h = m.forward(h);
        }
        return h;
    }

    @Override
    public String export(ExportContext ctx, String input) {
        String h = input;
        for (Module m : children().values()) {
            h = m.export(ctx, h);
        }
        return h;
    }

    @Override
    public String toString() {
        return children().values().stream().map(Module::toString).collect(Collectors.joining(", ", "Sequential(", ")"));
    }
}
