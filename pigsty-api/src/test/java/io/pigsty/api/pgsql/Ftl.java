package io.pigsty.api.pgsql;

import freemarker.template.Configuration;
import freemarker.template.TemplateExceptionHandler;
import java.io.StringWriter;
import java.util.Map;

/** Renders the bundled templates straight with Freemarker (the engine's Templates does the same in production). */
final class Ftl {
    private static final Configuration CFG = new Configuration(Configuration.VERSION_2_3_34);

    static {
        CFG.setClassLoaderForTemplateLoading(Ftl.class.getClassLoader(), "io/pigsty/templates/v1");
        CFG.setDefaultEncoding("UTF-8");
        CFG.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        CFG.setLogTemplateExceptions(false);
    }

    private Ftl() {
    }

    static String render(String name, Map<String, Object> model) {
        try {
            StringWriter w = new StringWriter();
            CFG.getTemplate(name).process(model, w);
            return w.toString();
        } catch (Exception e) {
            throw new AssertionError("rendering " + name + ": " + e, e);
        }
    }
}
