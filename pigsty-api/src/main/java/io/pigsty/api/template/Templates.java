package io.pigsty.api.template;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import io.pigsty.model.PigstyException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;

/**
 * Freemarker rendering of the bundled, versioned templates (classpath root
 * {@code io/pigsty/templates/v1/}), where a user directory overrides any template by the same
 * relative name ({@code patroni/patroni.yml.ftl}). Strict: an undefined variable is an error
 * naming the template and line. Output does not depend on the machine's locale or time zone.
 */
public final class Templates {
    /** Classpath root of the bundled templates. */
    public static final String ROOT = "/io/pigsty/templates/v1";
    private final Configuration cfg;

    private Templates(Builder b) {
        cfg = new Configuration(Configuration.VERSION_2_3_33);
        List<TemplateLoader> loaders = new ArrayList<>();
        try {
            for (Path dir : b.overrideDirs) {
                loaders.add(new FileTemplateLoader(dir.toFile()));
            }
        } catch (IOException e) {
            throw new PigstyException("template override directory not usable: " + e.getMessage(), e);
        }
        loaders.add(new ClassTemplateLoader(b.classLoader, ROOT.substring(1)));
        cfg.setTemplateLoader(new MultiTemplateLoader(loaders.toArray(TemplateLoader[]::new)));
        cfg.setDefaultEncoding("UTF-8");
        cfg.setOutputEncoding("UTF-8");
        cfg.setLocale(Locale.ROOT);
        cfg.setTimeZone(TimeZone.getTimeZone("UTC"));
        cfg.setNumberFormat("computer");
        cfg.setBooleanFormat("c");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        cfg.setAPIBuiltinEnabled(false);
        cfg.setObjectWrapper(new FastWrapper(Configuration.VERSION_2_3_33));
    }

    /** @return the bundled templates without overrides */
    public static Templates bundled() {
        return builder().build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param name  relative template name, e.g. {@code pgbouncer/pgbouncer.ini.ftl}
     * @param model data
     * @return the rendered text
     * @throws PigstyException naming the template (and line) when it is missing or fails
     */
    public String render(String name, Map<String, ?> model) {
        Template t;
        try {
            t = cfg.getTemplate(name);
        } catch (IOException e) {
            throw new PigstyException("template " + name + " not found or unreadable: " + e.getMessage(), e);
        }
        // sized from the last output of the same template (files of one template are alike), and unsynchronized:
        // StringWriter's StringBuffer grew from 16 characters and locked on every one of Freemarker's many writes
        Integer hint = sizes.get(name);
        Out out = new Out(hint == null ? 256 : hint + hint / 8 + 16);
        try {
            t.process(model, out);
        } catch (TemplateException e) {
            throw new PigstyException("template " + name + " failed at line " + e.getLineNumber() + ": "
                    + e.getMessageWithoutStackTop(), e);
        } catch (IOException e) {
            throw new PigstyException("template " + name + ": " + e.getMessage(), e);
        }
        String text = out.toString();
        if (hint == null || text.length() > hint) {
            sizes.put(name, text.length());
        }
        return text;
    }

    /** Longest output seen per template name: a sizing hint only. */
    private final Map<String, Integer> sizes = new java.util.concurrent.ConcurrentHashMap<>();

    /** A writer into a plain StringBuilder: rendering is single-threaded per call. */
    private static final class Out extends java.io.Writer {
        private final StringBuilder sb;

        Out(int capacity) {
            sb = new StringBuilder(capacity);
        }

        @Override
        public void write(char[] chars, int off, int len) {
            sb.append(chars, off, len);
        }

        @Override
        public void write(String s) {
            sb.append(s);
        }

        @Override
        public void write(String s, int off, int len) {
            sb.append(s, off, off + len);
        }

        @Override
        public void write(int c) {
            sb.append((char) c);
        }

        @Override
        public java.io.Writer append(CharSequence cs) {
            sb.append(cs);
            return this;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

    /** Builder of {@link Templates}. */
    public static final class Builder {
        private final List<Path> overrideDirs = new ArrayList<>();
        private ClassLoader classLoader = Templates.class.getClassLoader();

        private Builder() {
        }

        /**
         * @param dir a directory whose files override bundled templates of the same relative name
         * @return this
         */
        public Builder overrideDir(Path dir) {
            overrideDirs.add(Objects.requireNonNull(dir));
            return this;
        }

        /**
         * @param loader class loader that sees every module's bundled templates
         * @return this
         */
        public Builder classLoader(ClassLoader loader) {
            classLoader = Objects.requireNonNull(loader);
            return this;
        }

        /** @return the templates */
        public Templates build() {
            return new Templates(this);
        }
    }
}
